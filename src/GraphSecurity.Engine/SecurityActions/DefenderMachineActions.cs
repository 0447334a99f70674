using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Json;
using GraphSecurity.Engine.TiIndicators;

namespace GraphSecurity.Engine.SecurityActions;

/// <summary>A Defender for Endpoint device, as far as response actions need it.</summary>
public sealed class DefenderMachine
{
    public string Id { get; set; } = "";
    public string? ComputerDnsName { get; set; }
    public string? LastIpAddress { get; set; }
    public string? OsPlatform { get; set; }
    public string? HealthStatus { get; set; }
    public override string ToString() => ComputerDnsName ?? Id;
}

/// <summary>
/// Defender for Endpoint machines and machine actions (successor-apis.md §2): lookup by id, name or
/// IP; the action verbs; reading, cancelling; the investigation package's and live response's
/// download links. Every call waits its turn at the documented limit.
/// </summary>
public sealed class DefenderMachineActions
{
    private readonly ApiClient _api;
    private readonly PacedCalls _calls;

    public DefenderMachineActions(GraphConnection connection, RetryPolicy? retry = null)
    {
        _api = connection.ClientFor(SecurityApi.DefenderForEndpoint);
        _calls = new PacedCalls(connection, retry);
    }

    /// <summary>True for a Defender device id: 40 hexadecimal characters.</summary>
    public static bool IsMachineId(string? value) =>
        value != null && value.Length == 40 && value.All(c => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));

    /// <summary>A device by id or computer name (GET /api/machines/{id or name}); 404 when Defender does not know it.</summary>
    public async Task<DefenderMachine> FindMachineAsync(string idOrName, CancellationToken cancellationToken)
    {
        var json = await ReadAsync(_api.Url("api/machines/" + Uri.EscapeDataString(idOrName)), cancellationToken).ConfigureAwait(false);
        return Machine(json);
    }

    /// <summary>Starts an action on a device: 201 with the new MachineAction.</summary>
    public async Task<SecurityAction> StartAsync(string machineId, ResponseAction action, IDictionary<string, object> body, CancellationToken cancellationToken)
    {
        var url = _api.Url($"api/machines/{Uri.EscapeDataString(machineId)}/{action.Call}");
        var limit = action.Call == "runliveresponse" ? RateLimit.DefenderLiveResponse : RateLimit.DefenderMachineAction;
        // Not repeated on a 5xx: the service may have created the action; the caller checks for an open one instead.
        var json = await _calls.SendAsync(limit, token => _api.SendAsync<JsonElement>(HttpMethod.Post, url, body, token, retry: RetryMode.None), cancellationToken).ConfigureAwait(false);
        return ToSecurityAction(json);
    }

    public async Task<SecurityAction> GetAsync(string id, CancellationToken cancellationToken) =>
        ToSecurityAction(await ReadAsync(_api.Url("api/machineactions/" + Uri.EscapeDataString(id)), cancellationToken).ConfigureAwait(false));

    /// <summary>The raw MachineAction (live response reads its commands).</summary>
    public Task<JsonElement> GetRawAsync(string id, CancellationToken cancellationToken) =>
        ReadAsync(_api.Url("api/machineactions/" + Uri.EscapeDataString(id)), cancellationToken);

    /// <summary>Machine actions matching an OData filter, newest first, page by page until <paramref name="onPage"/> answers false.</summary>
    public async Task ListAsync(string? filter, int pageSize, Func<IReadOnlyList<SecurityAction>, bool> onPage, CancellationToken cancellationToken)
    {
        var query = $"api/machineactions?$top={pageSize.ToString(CultureInfo.InvariantCulture)}" + (filter != null ? "&$filter=" + Uri.EscapeDataString(filter) : "");
        Uri? next = _api.Url(query);
        while (next != null)
        {
            var url = next;
            var page = await _calls.SendAsync(RateLimit.DefenderMachineRead, token => _api.GetPageAsync<JsonElement>(url, token), cancellationToken).ConfigureAwait(false);
            if (!onPage(page.Value.Select(ToSecurityAction).ToList())) return;
            next = page.NextLink != null ? new Uri(page.NextLink) : null;
        }
    }

    /// <summary>The device's action of that type still Pending or InProgress, or null (checked before starting a second one).</summary>
    public async Task<SecurityAction?> FindOpenAsync(string machineId, string machineActionType, CancellationToken cancellationToken)
    {
        SecurityAction? open = null;
        await ListAsync($"machineId eq {ODataFilter.Quote(machineId)} and type eq {ODataFilter.Quote(machineActionType)}", 50, page =>
        {
            open = page.FirstOrDefault(a => !a.IsFinished);
            return false;
        }, cancellationToken).ConfigureAwait(false);
        return open;
    }

    /// <summary>POST /api/machineactions/{id}/cancel: 200 with the action, now Cancelled; 400 when it has already ended.</summary>
    public async Task<SecurityAction> CancelAsync(string id, string comment, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object> { ["Comment"] = comment };
        var url = _api.Url($"api/machineactions/{Uri.EscapeDataString(id)}/cancel");
        var json = await _calls.SendAsync(RateLimit.DefenderMachineAction, token => _api.SendAsync<JsonElement>(HttpMethod.Post, url, body, token, retry: RetryMode.None), cancellationToken).ConfigureAwait(false);
        return ToSecurityAction(json);
    }

    /// <summary>The short-lived download link of a collected investigation package (404 until the collection succeeded).</summary>
    public Task<Uri> PackageUriAsync(string actionId, CancellationToken cancellationToken) =>
        LinkAsync(RateLimit.DefenderPackageUri, $"api/machineactions/{Uri.EscapeDataString(actionId)}/GetPackageUri", cancellationToken);

    /// <summary>The download link of one live response command's result.</summary>
    public Task<Uri> LiveResponseResultUriAsync(string actionId, int index, CancellationToken cancellationToken) =>
        LinkAsync(RateLimit.DefenderMachineRead,
            $"api/machineactions/{Uri.EscapeDataString(actionId)}/GetLiveResponseResultDownloadLink(index={index.ToString(CultureInfo.InvariantCulture)})", cancellationToken);

    private async Task<Uri> LinkAsync(RateLimit limit, string path, CancellationToken cancellationToken)
    {
        var url = _api.Url(path);
        var json = await _calls.SendAsync(limit, token => _api.SendAsync<JsonElement>(HttpMethod.Get, url, null, token), cancellationToken).ConfigureAwait(false);
        var value = json.StringOf("value");
        if (value == null || !Uri.TryCreate(value, UriKind.Absolute, out var link) || (link.Scheme != Uri.UriSchemeHttps && !link.IsLoopback))
            throw new JsonException($"{path} did not answer an https link.");
        return link;
    }

    private Task<JsonElement> ReadAsync(Uri url, CancellationToken cancellationToken) =>
        _calls.SendAsync(RateLimit.DefenderMachineRead, token => _api.SendAsync<JsonElement>(HttpMethod.Get, url, null, token), cancellationToken);

    private static DefenderMachine Machine(JsonElement json) => new DefenderMachine
    {
        Id = json.StringOf("id") ?? throw new JsonException("The machine has no id."),
        ComputerDnsName = json.StringOf("computerDnsName"),
        LastIpAddress = json.StringOf("lastIpAddress"),
        OsPlatform = json.StringOf("osPlatform"),
        HealthStatus = json.StringOf("healthStatus"),
    };

    /// <summary>A MachineAction as the common result: Defender's status mapped (Pending → NotStarted, InProgress → Running, Succeeded → Completed, Failed and TimeOut → Failed).</summary>
    public static SecurityAction ToSecurityAction(JsonElement json)
    {
        var type = json.StringOf("type");
        var status = json.StringOf("status");
        var action = new SecurityAction
        {
            Id = json.StringOf("id"),
            Name = ResponseActionCatalog.ForMachineActionType(type)?.Name ?? (type == "LiveResponse" ? "LiveResponse" : type),
            Api = SecurityActionApi.DefenderMachineActions,
            ApiStatus = status,
            Status = StatusOf(status),
            TargetType = nameof(ResponseTargetKind.Device),
            TargetId = json.StringOf("machineId"),
            Target = json.StringOf("computerDnsName") ?? json.StringOf("machineId"),
            Requestor = json.StringOf("requestor"),
            Comment = json.StringOf("requestorComment"),
            CreatedDateTime = Date(json, "creationDateTimeUtc"),
            LastActionDateTime = Date(json, "lastUpdateDateTimeUtc") ?? Date(json, "lastUpdateTimeUtc"),
        };
        if (action.IsFinished) action.CompletedDateTime = Date(json, "cancellationDateTimeUtc") ?? action.LastActionDateTime;
        if (status == "Failed" || status == "TimeOut")
        {
            var hresult = json.TryGetProperty("errorHResult", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetInt64() : 0;
            action.FailureReason = status == "TimeOut" ? "The device did not carry the action out in time (TimeOut)." :
                "The device reported a failure" + (hresult != 0 ? $" (HRESULT 0x{unchecked((uint)hresult):X8})" : "") + ".";
        }
        else if (status == "Cancelled")
            action.FailureReason = $"Cancelled by {json.StringOf("cancellationRequestor")}: {json.StringOf("cancellationComment")}";
        return action;
    }

    public static OperationStatus StatusOf(string? status)
    {
        switch (status)
        {
            case "Pending": return OperationStatus.NotStarted;
            case "InProgress": return OperationStatus.Running;
            case "Succeeded": return OperationStatus.Completed;
            case "Failed": case "TimeOut": return OperationStatus.Failed;
            case "Cancelled": return OperationStatus.Cancelled;
            default: return OperationStatus.UnknownFutureValue;
        }
    }

    /// <summary>Defender's MachineAction status values of a common status (for $filter).</summary>
    public static IEnumerable<string> ApiStatusesOf(OperationStatus status)
    {
        switch (status)
        {
            case OperationStatus.NotStarted: return new[] { "Pending" };
            case OperationStatus.Running: return new[] { "InProgress" };
            case OperationStatus.Completed: return new[] { "Succeeded" };
            case OperationStatus.Failed: return new[] { "Failed", "TimeOut" };
            case OperationStatus.Cancelled: return new[] { "Cancelled" };
            default: return Array.Empty<string>();
        }
    }

    private static DateTimeOffset? Date(JsonElement json, string name) =>
        DateTimeOffset.TryParse(json.StringOf(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : (DateTimeOffset?)null;

    /// <summary>True when the error is Defender's "already in progress" (another caller started the same action meanwhile).</summary>
    public static bool IsAlreadyInProgress(Exception ex) =>
        ex is ServiceErrorException s && s.StatusCode == HttpStatusCode.BadRequest &&
        ((s.ServiceMessage ?? "").IndexOf("already in progress", StringComparison.OrdinalIgnoreCase) >= 0 || s.Code == "ActiveRequestAlreadyExists");
}
