namespace GraphSecurity;

/// <summary>What Request-GsAdminConsent learned from the identity platform's answer to an admin-consent request.</summary>
public class GsAdminConsentResult
{
    /// <summary>The tenant the consent was asked of (as given).</summary>
    public string? TenantId { get; set; }
    /// <summary>The tenant id the answer named (admin_consent answers carry the GUID); null on a refusal.</summary>
    public string? GrantedTenantId { get; set; }
    public string? ClientId { get; set; }
    /// <summary>True when an admin approved: the app's service principal now exists in the tenant with the permissions granted.</summary>
    public bool Granted { get; set; }
    /// <summary>
    /// The permissions granted: the answer's scope (v2 endpoint), or ".default" for the v1 endpoint,
    /// which grants everything the app's registration asks for without listing it.
    /// </summary>
    public ValueList<string> Permissions { get; set; } = ValueList<string>.Empty;
    /// <summary>"v1" (adminconsent) or "v2" (v2.0/adminconsent with scopes).</summary>
    public string? Endpoint { get; set; }
    /// <summary>True when the answer carried the random state the request was sent with.</summary>
    public bool StateVerified { get; set; }
    /// <summary>The OAuth error of a refusal, e.g. access_denied.</summary>
    public string? Error { get; set; }
    /// <summary>The identity platform's text of a refusal (its AADSTS code and sentence).</summary>
    public string? ErrorDescription { get; set; }
    /// <summary>Where the answer came back to.</summary>
    public System.Uri? RedirectUri { get; set; }

    public override string ToString() => Granted ? $"Granted in {GrantedTenantId}" : $"Not granted: {Error}";
}
