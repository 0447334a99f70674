using System;

namespace GraphSecurity;

/// <summary>Text of a threat-intelligence object (microsoft.graph.security.formattedContent).</summary>
public class FormattedContent
{
    public string? Content { get; set; }
    /// <summary>text, html or markdown.</summary>
    public string? Format { get; set; }

    public override string? ToString() => Content;
}

/// <summary>The object an indicator or a resolution points at: a host (IP address or host name) by id.</summary>
public class ThreatArtifact
{
    public string? Id { get; set; }

    public override string? ToString() => Id;
}

/// <summary>A host's reputation (microsoft.graph.security.hostReputation): score 0–100, higher is worse.</summary>
public class HostReputation
{
    public string? Id { get; set; }
    /// <summary>unknown, neutral, suspicious or malicious.</summary>
    public string? Classification { get; set; }
    public int Score { get; set; }
    public ValueList<HostReputationRule> Rules { get; set; } = ValueList<HostReputationRule>.Empty;

    public override string ToString() => $"{Classification} ({Score})";
}

/// <summary>One reason for a reputation (microsoft.graph.security.hostReputationRule).</summary>
public class HostReputationRule
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    /// <summary>unknown, low, medium or high.</summary>
    public string? Severity { get; set; }
    public string? RelatedDetailsUrl { get; set; }

    public override string? ToString() => Name;
}

/// <summary>The autonomous system an IP address belongs to.</summary>
public class AutonomousSystem
{
    public string? Name { get; set; }
    public int Number { get; set; }
    public string? Organization { get; set; }
    public string? Value { get; set; }

    public override string? ToString() => Value ?? Name;
}

/// <summary>A WHOIS contact (microsoft.graph.security.whoisContact).</summary>
public class WhoisContact
{
    public string? Name { get; set; }
    public string? Organization { get; set; }
    public string? Email { get; set; }
    public string? Telephone { get; set; }

    public override string? ToString() => Organization ?? Name;
}

/// <summary>A name server of a WHOIS record.</summary>
public class WhoisNameserver
{
    public ThreatArtifact? Host { get; set; }
    public DateTimeOffset? FirstSeenDateTime { get; set; }
    public DateTimeOffset? LastSeenDateTime { get; set; }

    public override string? ToString() => Host?.Id;
}

/// <summary>The latest WHOIS record of a domain (microsoft.graph.security.whoisRecord), main fields.</summary>
public class WhoisRecord
{
    public string? Id { get; set; }
    public WhoisContact? Registrar { get; set; }
    public WhoisContact? Registrant { get; set; }
    public WhoisContact? Abuse { get; set; }
    public string? DomainStatus { get; set; }
    public DateTimeOffset? RegistrationDateTime { get; set; }
    public DateTimeOffset? ExpirationDateTime { get; set; }
    public DateTimeOffset? LastUpdateDateTime { get; set; }
    public ValueList<WhoisNameserver> Nameservers { get; set; } = ValueList<WhoisNameserver>.Empty;
    public string? WhoisServer { get; set; }
    public string? RawWhoisText { get; set; }

    public override string? ToString() => Registrar?.ToString();
}

/// <summary>A passive DNS resolution (microsoft.graph.security.passiveDnsRecord).</summary>
public class PassiveDnsRecord
{
    public string? Id { get; set; }
    public string? RecordType { get; set; }
    /// <summary>What the name resolved to.</summary>
    public ThreatArtifact? Artifact { get; set; }
    public ThreatArtifact? ParentHost { get; set; }
    public DateTimeOffset? FirstSeenDateTime { get; set; }
    public DateTimeOffset? LastSeenDateTime { get; set; }
    public DateTimeOffset? CollectedDateTime { get; set; }

    public override string ToString() => $"{RecordType} {Artifact}";
}

/// <summary>Software seen on a host (microsoft.graph.security.hostComponent).</summary>
public class HostComponent
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Category { get; set; }
    public string? Version { get; set; }
    public DateTimeOffset? FirstSeenDateTime { get; set; }
    public DateTimeOffset? LastSeenDateTime { get; set; }

    public override string ToString() => string.IsNullOrEmpty(Version) ? Name ?? "" : $"{Name} {Version}";
}

/// <summary>A host of Defender Threat Intelligence (hostname or ipAddress) with its reputation and, on request, its details.</summary>
public class ThreatIntelligenceHost : IConnectionBound
{
    public string? Id { get; set; }
    /// <summary>IpAddress or Hostname.</summary>
    public string? Kind { get; set; }
    public DateTimeOffset? FirstSeenDateTime { get; set; }
    public DateTimeOffset? LastSeenDateTime { get; set; }
    public string? Registrar { get; set; }
    public string? Registrant { get; set; }
    public AutonomousSystem? AutonomousSystem { get; set; }
    public string? CountryOrRegion { get; set; }
    public string? HostingProvider { get; set; }
    public string? Netblock { get; set; }
    public HostReputation? Reputation { get; set; }
    public string? Classification => Reputation?.Classification;
    public int? Score => Reputation?.Score;
    /// <summary>Null for IP addresses and hosts without a record.</summary>
    public WhoisRecord? Whois { get; set; }
    public ValueList<PassiveDnsRecord> Resolutions { get; set; } = ValueList<PassiveDnsRecord>.Empty;
    public ValueList<HostComponent> Components { get; set; } = ValueList<HostComponent>.Empty;
    public string? ConnectionName { get; set; }

    public override string? ToString() => Id;
}

/// <summary>An indicator of an intel profile or an article (microsoft.graph.security.indicator).</summary>
public class ThreatIntelligenceIndicator
{
    public string? Id { get; set; }
    /// <summary>microsoft, osint or public.</summary>
    public string? Source { get; set; }
    public ThreatArtifact? Artifact { get; set; }
    public DateTimeOffset? FirstSeenDateTime { get; set; }
    public DateTimeOffset? LastSeenDateTime { get; set; }

    public override string? ToString() => Artifact?.Id;
}

/// <summary>An actor or tool profile (microsoft.graph.security.intelligenceProfile).</summary>
public class IntelProfile : IConnectionBound
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    /// <summary>actor or tool.</summary>
    public string? Kind { get; set; }
    public ValueList<string> Aliases { get; set; } = ValueList<string>.Empty;
    public FormattedContent? Summary { get; set; }
    public FormattedContent? Description { get; set; }
    public FormattedContent? Tradecraft { get; set; }
    public DateTimeOffset? FirstActiveDateTime { get; set; }
    public ValueList<string> Targets { get; set; } = ValueList<string>.Empty;
    /// <summary>Filled with -IncludeIndicators.</summary>
    public ValueList<ThreatIntelligenceIndicator> Indicators { get; set; } = ValueList<ThreatIntelligenceIndicator>.Empty;
    public string? ConnectionName { get; set; }

    public override string? ToString() => Title;
}

/// <summary>A Defender TI article (microsoft.graph.security.article).</summary>
public class ThreatArticle : IConnectionBound
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public FormattedContent? Summary { get; set; }
    public FormattedContent? Body { get; set; }
    public DateTimeOffset? CreatedDateTime { get; set; }
    public DateTimeOffset? LastUpdatedDateTime { get; set; }
    public bool IsFeatured { get; set; }
    public string? ImageUrl { get; set; }
    public ValueList<string> Tags { get; set; } = ValueList<string>.Empty;
    /// <summary>Filled with -IncludeIndicators.</summary>
    public ValueList<ThreatIntelligenceIndicator> Indicators { get; set; } = ValueList<ThreatIntelligenceIndicator>.Empty;
    public string? ConnectionName { get; set; }

    public override string? ToString() => Title;
}

/// <summary>A vulnerability (CVE) as Defender TI describes it (microsoft.graph.security.vulnerability), main fields.</summary>
public class ThreatVulnerability : IConnectionBound
{
    public string? Id { get; set; }
    /// <summary>none, low, medium, high or critical.</summary>
    public string? Severity { get; set; }
    public int PriorityScore { get; set; }
    public bool ActiveExploitsObserved { get; set; }
    public bool ExploitsAvailable { get; set; }
    public bool HasChatter { get; set; }
    public FormattedContent? Description { get; set; }
    public FormattedContent? Remediation { get; set; }
    public ValueList<string> CommonWeaknessEnumerationIds { get; set; } = ValueList<string>.Empty;
    public DateTimeOffset? PublishedDateTime { get; set; }
    public DateTimeOffset? LastModifiedDateTime { get; set; }
    public string? ConnectionName { get; set; }

    public override string? ToString() => Id;
}

/// <summary>
/// One distinct IP address, domain or URL of the alerts' evidence with what Defender TI knows about it.
/// An indicator it does not know has Known $false and Classification unknown.
/// </summary>
public class IndicatorEnrichment : IConnectionBound
{
    /// <summary>The evidence value: the IP address, domain or URL.</summary>
    public string? Indicator { get; set; }
    /// <summary>IpAddress, Domain or Url.</summary>
    public string? Kind { get; set; }
    /// <summary>The host looked up (the URL's host for a URL).</summary>
    public string? Host { get; set; }
    public bool Known { get; set; }
    public string? Classification { get; set; }
    public int Score { get; set; }
    public ValueList<HostReputationRule> Rules { get; set; } = ValueList<HostReputationRule>.Empty;
    /// <summary>Titles of the intel profiles that list the host as an indicator.</summary>
    public ValueList<string> IntelProfiles { get; set; } = ValueList<string>.Empty;
    /// <summary>The alerts whose evidence carries it.</summary>
    public ValueList<string> AlertIds { get; set; } = ValueList<string>.Empty;
    public string? ConnectionName { get; set; }

    public override string? ToString() => Indicator;
}
