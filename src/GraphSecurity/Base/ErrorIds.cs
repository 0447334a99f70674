namespace GraphSecurity.Commands.Base;

/// <summary>
/// The error ids of the module's error records (the first part of FullyQualifiedErrorId), in one place so
/// scripts can rely on them. An error answer of a service has the API's name before its kind:
/// GraphForbidden, DefenderForEndpointThrottled, AzureResourceManagerNotFound (<see cref="OfApi"/>).
/// </summary>
internal static class ErrorIds
{
    /// <summary>A parameter value or combination the command cannot use.</summary>
    public const string InvalidArgument = nameof(InvalidArgument);
    /// <summary>An id that cannot be sent (empty, too long, control characters).</summary>
    public const string InvalidId = nameof(InvalidId);
    /// <summary>An Invoke-GsRequest URL or body that cannot be sent.</summary>
    public const string InvalidRequest = nameof(InvalidRequest);
    /// <summary>A time window whose start is not before its end.</summary>
    public const string InvalidTimeRange = nameof(InvalidTimeRange);
    /// <summary>Connect-GsTenant parameters that do not go together.</summary>
    public const string InvalidConnectParameters = nameof(InvalidConnectParameters);
    /// <summary>A target product the indicator API does not take.</summary>
    public const string InvalidTargetProduct = nameof(InvalidTargetProduct);
    /// <summary>An indicator that fails validation; nothing was sent for it.</summary>
    public const string InvalidTiIndicator = nameof(InvalidTiIndicator);
    /// <summary>A provider URL a token may not be sent to (not https, or http off loopback).</summary>
    public const string InvalidProviderUrl = nameof(InvalidProviderUrl);
    /// <summary>A header name that is not one.</summary>
    public const string InvalidHeader = nameof(InvalidHeader);
    /// <summary>An Authorization header given by the caller.</summary>
    public const string AuthorizationHeader = nameof(AuthorizationHeader);
    /// <summary>A body on a GET or HEAD request.</summary>
    public const string BodyNotAllowed = nameof(BodyNotAllowed);
    /// <summary>-All or -First on a request that is not a GET.</summary>
    public const string PagingNeedsGet = nameof(PagingNeedsGet);
    /// <summary>-All or -First with -OutputType HttpResponse.</summary>
    public const string PagingWritesItems = nameof(PagingWritesItems);
    /// <summary>A page size above the service's limit.</summary>
    public const string PageTooLarge = nameof(PageTooLarge);
    /// <summary>-Since and -FromNow together.</summary>
    public const string SinceAndFromNow = nameof(SinceAndFromNow);
    /// <summary>An update command with no change to make.</summary>
    public const string NothingToUpdate = nameof(NothingToUpdate);
    /// <summary>An item of another tenant than the connection's.</summary>
    public const string TenantMismatch = nameof(TenantMismatch);
    /// <summary>A change given more than one connection.</summary>
    public const string SeveralConnections = nameof(SeveralConnections);
    /// <summary>No connection (or no connection of that name).</summary>
    public const string NotConnected = nameof(NotConnected);
    /// <summary>A connection name that does not exist.</summary>
    public const string ConnectionNotFound = nameof(ConnectionNotFound);
    /// <summary>The identity platform refused the sign-in.</summary>
    public const string AuthenticationFailed = nameof(AuthenticationFailed);
    /// <summary>-Emulator without a running emulator.</summary>
    public const string EmulatorNotRunning = nameof(EmulatorNotRunning);
    /// <summary>The emulator's certificate changed (it was restarted).</summary>
    public const string EmulatorChanged = nameof(EmulatorChanged);
    /// <summary>An API the connection's cloud does not have.</summary>
    public const string ApiNotInCloud = nameof(ApiNotInCloud);
    /// <summary>A URL of another API than the one its token is for.</summary>
    public const string NotThisApi = nameof(NotThisApi);
    /// <summary>The service could not be reached (after the retries).</summary>
    public const string ServiceUnreachable = nameof(ServiceUnreachable);
    /// <summary>A request failed before reaching the service.</summary>
    public const string GraphUnreachable = nameof(GraphUnreachable);
    /// <summary>The connection broke during the answer.</summary>
    public const string ConnectionLost = nameof(ConnectionLost);
    /// <summary>The answer could not be read.</summary>
    public const string InvalidAnswer = nameof(InvalidAnswer);
    /// <summary>The TLS handshake failed.</summary>
    public const string TlsFailed = nameof(TlsFailed);
    /// <summary>No answer in time.</summary>
    public const string OperationTimedOut = nameof(OperationTimedOut);
    /// <summary>The API is retired or was never generally available.</summary>
    public const string ApiRetired = nameof(ApiRetired);
    /// <summary>A tenant without the Defender Threat Intelligence licence.</summary>
    public const string ThreatIntelligenceNotLicensed = nameof(ThreatIntelligenceNotLicensed);
    /// <summary>A host Defender Threat Intelligence does not have.</summary>
    public const string ThreatIntelligenceHostNotFound = nameof(ThreatIntelligenceHostNotFound);
    /// <summary>Some providers of a federated API failed.</summary>
    public const string PartialResult = nameof(PartialResult);
    /// <summary>The item changed since the given time; nothing was changed.</summary>
    public const string UpdateConflict = nameof(UpdateConflict);
    /// <summary>A file that does not exist.</summary>
    public const string FileNotFound = nameof(FileNotFound);
    /// <summary>The notification listener could not start.</summary>
    public const string ListenerFailed = nameof(ListenerFailed);
    /// <summary>The watch state file is used by another watcher.</summary>
    public const string WatchStateInUse = nameof(WatchStateInUse);
    /// <summary>The watch state file cannot be written.</summary>
    public const string WatchStateUnusable = nameof(WatchStateUnusable);
    /// <summary>The watch state file cannot be read.</summary>
    public const string InvalidWatchState = nameof(InvalidWatchState);
    /// <summary>No secure score for the day asked for.</summary>
    public const string SecureScoreNotFound = nameof(SecureScoreNotFound);
    /// <summary>The security action ended as Failed.</summary>
    public const string SecurityActionFailed = nameof(SecurityActionFailed);
    /// <summary>The security action did not finish in time.</summary>
    public const string SecurityActionTimeout = nameof(SecurityActionTimeout);
    /// <summary>Defender ended the machine action as TimeOut: the device did not carry it out in time.</summary>
    public const string DeviceActionTimedOut = nameof(DeviceActionTimedOut);
    /// <summary>The action has no undo (a scan, a package collection…).</summary>
    public const string SecurityActionNotUndoable = nameof(SecurityActionNotUndoable);
    /// <summary>The investigation package or live response result could not be downloaded.</summary>
    public const string DownloadFailed = nameof(DownloadFailed);
    /// <summary>The service did not create the indicator.</summary>
    public const string TiIndicatorNotCreated = nameof(TiIndicatorNotCreated);
    /// <summary>The indicator does not exist.</summary>
    public const string TiIndicatorNotFound = nameof(TiIndicatorNotFound);
    /// <summary>The service did not change or delete the indicator.</summary>
    public const string TiIndicatorChangeFailed = nameof(TiIndicatorChangeFailed);
    /// <summary>The admin declined or could not consent, or the answer was not this request's.</summary>
    public const string ConsentNotGranted = nameof(ConsentNotGranted);

    /// <summary>A partner alert that fails validation; nothing was sent for it.</summary>
    public const string InvalidPartnerAlert = nameof(InvalidPartnerAlert);
    /// <summary>A partner alert whose Logs Ingestion row alone is over the request limit.</summary>
    public const string PartnerAlertTooLarge = nameof(PartnerAlertTooLarge);

    /// <summary>A detection rule (or a change to one) that fails validation; nothing was sent for it.</summary>
    public const string InvalidDetectionRule = nameof(InvalidDetectionRule);

    /// <summary>The kinds of error answer, after the API's name.</summary>
    internal static class Answer
    {
        /// <summary>400: the service refused the request.</summary>
        public const string BadRequest = nameof(BadRequest);
        /// <summary>401: the API refused the token.</summary>
        public const string Unauthenticated = nameof(Unauthenticated);
        /// <summary>403: a permission or role is missing.</summary>
        public const string Forbidden = nameof(Forbidden);
        /// <summary>404: no such item.</summary>
        public const string NotFound = nameof(NotFound);
        /// <summary>429: throttled, after the retries.</summary>
        public const string Throttled = nameof(Throttled);
        /// <summary>5xx: the service failed, after the retries.</summary>
        public const string ServiceError = nameof(ServiceError);
        /// <summary>Any other error answer.</summary>
        public const string RequestFailed = nameof(RequestFailed);
    }

    /// <summary>The id of an error answer of an API, e.g. OfApi(SecurityApi.Graph, Answer.Forbidden) is "GraphForbidden".</summary>
    public static string OfApi(SecurityApi api, string answer) => api + answer;
}
