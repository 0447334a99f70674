using System;

namespace GraphSecurity;

/// <summary>
/// A threat indicator in the fields of the beta tiIndicators API (microsoft.graph.tiIndicator), whichever
/// API holds it: Defender for Endpoint and Sentinel indicators are read into the same fields, with
/// <see cref="Target"/> saying where it lives and the few properties of their own below.
/// </summary>
public class TiIndicator : IConnectionBound
{
    /// <summary>The id in its API: a tiIndicator id, a Defender for Endpoint indicator id (numeric), or the ARM name of a Sentinel indicator.</summary>
    public string? Id { get; set; }
    public TiTarget Target { get; set; } = TiTarget.Graph;
    /// <summary>Defender: the application that created it (portal indicators have none). Sentinel: the source system of the upload.</summary>
    public string? Source { get; set; }
    /// <summary>Defender: the creator (an app id or a user). Sentinel: the STIX created_by_ref.</summary>
    public string? CreatedBy { get; set; }
    /// <summary>The action in Defender for Endpoint's own terms (Audit, Warn, Block, BlockAndRemediate, Allowed…); <see cref="Action"/> is its closest tiIndicator action.</summary>
    public string? DefenderAction { get; set; }
    /// <summary>Defender for Endpoint's title.</summary>
    public string? Title { get; set; }
    /// <summary>Sentinel: the STIX id (indicator--UUID), the same on every upload of this indicator.</summary>
    public string? StixId { get; set; }
    /// <summary>Sentinel: the STIX pattern, e.g. [ipv4-addr:value = '203.0.113.7'].</summary>
    public string? Pattern { get; set; }
    /// <summary>Sentinel: revoked in STIX terms (withdrawn by its source).</summary>
    public bool? Revoked { get; set; }
    /// <summary>Sentinel: when the indicator became valid (STIX valid_from).</summary>
    public DateTimeOffset? ValidFromDateTime { get; set; }
    /// <summary>Sentinel: the workspace's ARM resource id.</summary>
    public string? WorkspaceId { get; set; }
    /// <summary>When it was created, or last changed, in its API (Defender's lastUpdateTime, Sentinel's modified).</summary>
    public DateTimeOffset? LastUpdatedDateTime { get; set; }
    public string? ExternalId { get; set; }
    /// <summary>"Azure Sentinel" or "Microsoft Defender ATP" (the service's spelling).</summary>
    public string? TargetProduct { get; set; }
    /// <summary>Botnet, C2, CryptoMining, Darknet, DDoS, MaliciousUrl, Malware, Phishing, Proxy, PUA or WatchList.</summary>
    public string? ThreatType { get; set; }
    public TiAction? Action { get; set; }
    public TlpLevel? TlpLevel { get; set; }
    public DiamondModel? DiamondModel { get; set; }
    public string? Description { get; set; }
    public string? AdditionalInformation { get; set; }
    public int? Confidence { get; set; }
    public int? Severity { get; set; }
    public bool? IsActive { get; set; }
    public bool? PassiveOnly { get; set; }
    public string? AzureTenantId { get; set; }
    public DateTimeOffset? ExpirationDateTime { get; set; }
    public DateTimeOffset? IngestedDateTime { get; set; }
    public DateTimeOffset? LastReportedDateTime { get; set; }
    public ValueList<string> ActivityGroupNames { get; set; } = ValueList<string>.Empty;
    public ValueList<string> KillChain { get; set; } = ValueList<string>.Empty;
    public ValueList<string> MalwareFamilyNames { get; set; } = ValueList<string>.Empty;
    public ValueList<string> Tags { get; set; } = ValueList<string>.Empty;
    public string? KnownFalsePositives { get; set; }

    public string? EmailEncoding { get; set; }
    public string? EmailLanguage { get; set; }
    public string? EmailRecipient { get; set; }
    public string? EmailSenderAddress { get; set; }
    public string? EmailSenderName { get; set; }
    public string? EmailSourceDomain { get; set; }
    public string? EmailSourceIpAddress { get; set; }
    public string? EmailSubject { get; set; }
    public string? EmailXMailer { get; set; }

    public DateTimeOffset? FileCompileDateTime { get; set; }
    public DateTimeOffset? FileCreatedDateTime { get; set; }
    public FileHashType? FileHashType { get; set; }
    public string? FileHashValue { get; set; }
    public string? FileMutexName { get; set; }
    public string? FileName { get; set; }
    public string? FilePacker { get; set; }
    public string? FilePath { get; set; }
    public long? FileSize { get; set; }
    public string? FileType { get; set; }

    public string? DomainName { get; set; }
    public string? NetworkCidrBlock { get; set; }
    public long? NetworkDestinationAsn { get; set; }
    public string? NetworkDestinationCidrBlock { get; set; }
    public string? NetworkDestinationIPv4 { get; set; }
    public string? NetworkDestinationIPv6 { get; set; }
    public int? NetworkDestinationPort { get; set; }
    public string? NetworkIPv4 { get; set; }
    public string? NetworkIPv6 { get; set; }
    public int? NetworkPort { get; set; }
    public int? NetworkProtocol { get; set; }
    public long? NetworkSourceAsn { get; set; }
    public string? NetworkSourceCidrBlock { get; set; }
    public string? NetworkSourceIPv4 { get; set; }
    public string? NetworkSourceIPv6 { get; set; }
    public int? NetworkSourcePort { get; set; }
    public string? Url { get; set; }
    public string? UserAgent { get; set; }

    /// <summary>The name of the connection this indicator was read through; Set- and Remove-GsTiIndicator use it.</summary>
    public string? ConnectionName { get; set; }

    /// <summary>The observable the indicator is about (its first set email, file or network field).</summary>
    public string? Indicator =>
        FileHashValue ?? Url ?? DomainName ?? NetworkDestinationIPv4 ?? NetworkDestinationIPv6 ?? EmailSenderAddress ??
        NetworkIPv4 ?? NetworkIPv6 ?? NetworkSourceIPv4 ?? NetworkSourceIPv6 ?? NetworkCidrBlock ?? NetworkDestinationCidrBlock ??
        NetworkSourceCidrBlock ?? EmailSourceDomain ?? EmailSourceIpAddress ?? EmailSubject ?? FileName ?? FilePath ?? UserAgent;

    public override string? ToString() => Id;
}
