using System;
using System.Collections.Generic;
using System.Linq;

namespace GraphSecurity;

/// <summary>
/// One piece of evidence on an alert. The concrete class follows the service's @odata.type;
/// types this module does not model yet arrive as <see cref="OtherEvidence"/>.
/// </summary>
public abstract class AlertEvidence
{
    /// <summary>The service's type name without namespace, e.g. "deviceEvidence".</summary>
    public abstract string EvidenceType { get; }
    public DateTimeOffset CreatedDateTime { get; set; }
    public EvidenceVerdict Verdict { get; set; }
    public EvidenceRemediationStatus RemediationStatus { get; set; }
    public string? RemediationStatusDetails { get; set; }
    public ValueList<EvidenceRole> Roles { get; set; } = ValueList<EvidenceRole>.Empty;
    public ValueList<string> DetailedRoles { get; set; } = ValueList<string>.Empty;
    public ValueList<string> Tags { get; set; } = ValueList<string>.Empty;

    /// <summary>The value an analyst recognises the evidence by (device name, UPN, address…).</summary>
    public abstract string? DisplayValue { get; }

    internal virtual IEnumerable<string> UserPrincipalNames() => Enumerable.Empty<string>();

    /// <summary>
    /// The evidence in a few words: its type and the value it is recognised by, e.g. "processEvidence:
    /// powershell.exe -enc …". Lists of evidence show this (GraphSecurity.Types.ps1xml makes it the
    /// default display property; without it PowerShell picks the first property named *Id or *Name).
    /// </summary>
    public string Summary => $"{EvidenceType}: {DisplayValue}";

    public override string ToString() => Summary;
}

public class DeviceEvidence : AlertEvidence
{
    public override string EvidenceType => "deviceEvidence";
    public string? DeviceDnsName { get; set; }
    public string? HostName { get; set; }
    public string? MdeDeviceId { get; set; }
    public string? AzureAdDeviceId { get; set; }
    public string? OsPlatform { get; set; }
    public long? OsBuild { get; set; }
    public string? Version { get; set; }
    public string? HealthStatus { get; set; }
    public string? RiskScore { get; set; }
    public string? OnboardingStatus { get; set; }
    public string? DefenderAvStatus { get; set; }
    public string? LastIpAddress { get; set; }
    public string? LastExternalIpAddress { get; set; }
    public string? DnsDomain { get; set; }
    public string? NtDomain { get; set; }
    public string? RbacGroupName { get; set; }
    public DateTimeOffset? FirstSeenDateTime { get; set; }
    public ValueList<LoggedOnUser> LoggedOnUsers { get; set; } = ValueList<LoggedOnUser>.Empty;
    public override string? DisplayValue => DeviceDnsName ?? HostName ?? MdeDeviceId;
}

public class LoggedOnUser
{
    public string? AccountName { get; set; }
    public string? DomainName { get; set; }
    public override string? ToString() => string.IsNullOrEmpty(DomainName) ? AccountName : DomainName + "\\" + AccountName;
}

public class UserAccount
{
    public string? AccountName { get; set; }
    public string? DomainName { get; set; }
    public string? UserPrincipalName { get; set; }
    public string? AzureAdUserId { get; set; }
    public string? DisplayName { get; set; }
    public string? UserSid { get; set; }
    public override string? ToString() => UserPrincipalName ?? AccountName ?? DisplayName;
}

public class UserEvidence : AlertEvidence
{
    public override string EvidenceType => "userEvidence";
    public UserAccount? UserAccount { get; set; }
    public override string? DisplayValue => UserAccount?.ToString();
    internal override IEnumerable<string> UserPrincipalNames() { if (UserAccount?.UserPrincipalName != null) yield return UserAccount.UserPrincipalName; }
}

public class IpEvidence : AlertEvidence
{
    public override string EvidenceType => "ipEvidence";
    public string? IpAddress { get; set; }
    public string? CountryLetterCode { get; set; }
    public GeoLocation? Location { get; set; }
    public override string? DisplayValue => IpAddress;
}

public class GeoLocation
{
    public string? City { get; set; }
    public string? CountryName { get; set; }
    public string? State { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    public override string ToString() => string.Join(", ", new[] { City, State, CountryName }.Where(s => !string.IsNullOrEmpty(s)));
}

public class UrlEvidence : AlertEvidence
{
    public override string EvidenceType => "urlEvidence";
    public string? Url { get; set; }
    public override string? DisplayValue => Url;
}

public class FileDetails
{
    public string? FileName { get; set; }
    public string? FilePath { get; set; }
    public string? FilePublisher { get; set; }
    public long? FileSize { get; set; }
    public string? Issuer { get; set; }
    public string? Signer { get; set; }
    public string? Md5 { get; set; }
    public string? Sha1 { get; set; }
    public string? Sha256 { get; set; }
    public override string? ToString() => FileName ?? Sha256 ?? Sha1;
}

public class FileEvidence : AlertEvidence
{
    public override string EvidenceType => "fileEvidence";
    public string? DetectionStatus { get; set; }
    public string? MdeDeviceId { get; set; }
    public FileDetails? FileDetails { get; set; }
    public override string? DisplayValue => FileDetails?.ToString();
}

public class ProcessEvidence : AlertEvidence
{
    public override string EvidenceType => "processEvidence";
    public long? ProcessId { get; set; }
    public string? ProcessCommandLine { get; set; }
    public DateTimeOffset? ProcessCreationDateTime { get; set; }
    public long? ParentProcessId { get; set; }
    public DateTimeOffset? ParentProcessCreationDateTime { get; set; }
    public string? DetectionStatus { get; set; }
    public string? MdeDeviceId { get; set; }
    public FileDetails? ImageFile { get; set; }
    public FileDetails? ParentProcessImageFile { get; set; }
    public UserAccount? UserAccount { get; set; }
    public override string? DisplayValue => ProcessCommandLine ?? ImageFile?.ToString();
    internal override IEnumerable<string> UserPrincipalNames() { if (UserAccount?.UserPrincipalName != null) yield return UserAccount.UserPrincipalName; }
}

public class MailboxEvidence : AlertEvidence
{
    public override string EvidenceType => "mailboxEvidence";
    public string? DisplayName { get; set; }
    public string? PrimaryAddress { get; set; }
    public string? Upn { get; set; }
    public UserAccount? UserAccount { get; set; }
    public override string? DisplayValue => Upn ?? PrimaryAddress;
    internal override IEnumerable<string> UserPrincipalNames() { if (Upn != null) yield return Upn; else if (UserAccount?.UserPrincipalName != null) yield return UserAccount.UserPrincipalName; }
}

public class EmailSender
{
    public string? DisplayName { get; set; }
    public string? DomainName { get; set; }
    public string? EmailAddress { get; set; }
    public override string? ToString() => EmailAddress;
}

public class AnalyzedMessageEvidence : AlertEvidence
{
    public override string EvidenceType => "analyzedMessageEvidence";
    public string? Subject { get; set; }
    public string? RecipientEmailAddress { get; set; }
    public EmailSender? P1Sender { get; set; }
    public EmailSender? P2Sender { get; set; }
    public string? SenderIp { get; set; }
    public string? InternetMessageId { get; set; }
    public string? NetworkMessageId { get; set; }
    public string? DeliveryAction { get; set; }
    public string? DeliveryLocation { get; set; }
    public string? AntiSpamDirection { get; set; }
    public DateTimeOffset? ReceivedDateTime { get; set; }
    public ValueList<string> Threats { get; set; } = ValueList<string>.Empty;
    public ValueList<string> Urls { get; set; } = ValueList<string>.Empty;
    public long? UrlCount { get; set; }
    public long? AttachmentsCount { get; set; }
    public override string? DisplayValue => Subject;
}

/// <summary>Evidence of a type without its own class here; <see cref="Json"/> keeps what the service sent.</summary>
public class OtherEvidence : AlertEvidence
{
    /// <summary>The service's type name, e.g. "registryKeyEvidence".</summary>
    public string TypeName { get; set; } = "alertEvidence";
    public override string EvidenceType => TypeName;
    public string? Json { get; set; }
    public override string? DisplayValue => TypeName;
}
