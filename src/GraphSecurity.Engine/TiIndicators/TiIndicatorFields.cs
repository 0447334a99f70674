using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>How a tiIndicator field's value is checked and written.</summary>
public enum TiFieldKind
{
    Text, Description, Number, LargeNumber, Date, Boolean, TextList, KillChain, Enumeration, ThreatType, TargetProduct,
    IPv4, IPv6, IPAddress, Cidr, Url, Domain, Email, Hash,
}

/// <summary>One tiIndicator field (reference §4.2): its wire name, kind, range and group.</summary>
public sealed class TiField
{
    public TiField(string name, TiFieldKind kind, bool observable = false, long min = 0, long max = 0, Type? enumType = null)
    {
        Name = name; Kind = kind; IsObservable = observable; Min = min; Max = max; EnumType = enumType;
    }

    public string Name { get; }
    public TiFieldKind Kind { get; }
    /// <summary>An email, file or network observable (what the indicator is about).</summary>
    public bool IsObservable { get; }
    public long Min { get; }
    public long Max { get; }
    public Type? EnumType { get; }
}

/// <summary>The tiIndicator schema the module validates against, and the wire spellings of its string enumerations.</summary>
public static class TiIndicatorFields
{
    public const string Sentinel = "Azure Sentinel";
    public const string DefenderAtp = "Microsoft Defender ATP";

    public static readonly IReadOnlyList<TiField> All = new[]
    {
        new TiField("action", TiFieldKind.Enumeration, enumType: typeof(TiAction)),
        new TiField("activityGroupNames", TiFieldKind.TextList),
        new TiField("additionalInformation", TiFieldKind.Text),
        new TiField("azureTenantId", TiFieldKind.Text),
        new TiField("confidence", TiFieldKind.Number, min: 0, max: 100),
        new TiField("description", TiFieldKind.Description),
        new TiField("diamondModel", TiFieldKind.Enumeration, enumType: typeof(DiamondModel)),
        new TiField("expirationDateTime", TiFieldKind.Date),
        new TiField("externalId", TiFieldKind.Text),
        new TiField("isActive", TiFieldKind.Boolean),
        new TiField("killChain", TiFieldKind.KillChain),
        new TiField("knownFalsePositives", TiFieldKind.Text),
        new TiField("lastReportedDateTime", TiFieldKind.Date),
        new TiField("malwareFamilyNames", TiFieldKind.TextList),
        new TiField("passiveOnly", TiFieldKind.Boolean),
        new TiField("severity", TiFieldKind.Number, min: 0, max: 5),
        new TiField("tags", TiFieldKind.TextList),
        new TiField("targetProduct", TiFieldKind.TargetProduct),
        new TiField("threatType", TiFieldKind.ThreatType),
        new TiField("tlpLevel", TiFieldKind.Enumeration, enumType: typeof(TlpLevel)),

        new TiField("emailEncoding", TiFieldKind.Text, true),
        new TiField("emailLanguage", TiFieldKind.Text, true),
        new TiField("emailRecipient", TiFieldKind.Email, true),
        new TiField("emailSenderAddress", TiFieldKind.Email, true),
        new TiField("emailSenderName", TiFieldKind.Text, true),
        new TiField("emailSourceDomain", TiFieldKind.Domain, true),
        new TiField("emailSourceIpAddress", TiFieldKind.IPAddress, true),
        new TiField("emailSubject", TiFieldKind.Text, true),
        new TiField("emailXMailer", TiFieldKind.Text, true),

        new TiField("fileCompileDateTime", TiFieldKind.Date, true),
        new TiField("fileCreatedDateTime", TiFieldKind.Date, true),
        new TiField("fileHashType", TiFieldKind.Enumeration, enumType: typeof(FileHashType)),
        new TiField("fileHashValue", TiFieldKind.Hash, true),
        new TiField("fileMutexName", TiFieldKind.Text, true),
        new TiField("fileName", TiFieldKind.Text, true),
        new TiField("filePacker", TiFieldKind.Text, true),
        new TiField("filePath", TiFieldKind.Text, true),
        new TiField("fileSize", TiFieldKind.LargeNumber, true, 0, long.MaxValue),
        new TiField("fileType", TiFieldKind.Text, true),

        new TiField("domainName", TiFieldKind.Domain, true),
        new TiField("networkCidrBlock", TiFieldKind.Cidr, true),
        new TiField("networkDestinationAsn", TiFieldKind.LargeNumber, true, 0, uint.MaxValue),
        new TiField("networkDestinationCidrBlock", TiFieldKind.Cidr, true),
        new TiField("networkDestinationIPv4", TiFieldKind.IPv4, true),
        new TiField("networkDestinationIPv6", TiFieldKind.IPv6, true),
        new TiField("networkDestinationPort", TiFieldKind.Number, true, 0, 65535),
        new TiField("networkIPv4", TiFieldKind.IPv4, true),
        new TiField("networkIPv6", TiFieldKind.IPv6, true),
        new TiField("networkPort", TiFieldKind.Number, true, 0, 65535),
        new TiField("networkProtocol", TiFieldKind.Number, true, 0, 255),
        new TiField("networkSourceAsn", TiFieldKind.LargeNumber, true, 0, uint.MaxValue),
        new TiField("networkSourceCidrBlock", TiFieldKind.Cidr, true),
        new TiField("networkSourceIPv4", TiFieldKind.IPv4, true),
        new TiField("networkSourceIPv6", TiFieldKind.IPv6, true),
        new TiField("networkSourcePort", TiFieldKind.Number, true, 0, 65535),
        new TiField("url", TiFieldKind.Url, true),
        new TiField("userAgent", TiFieldKind.Text, true),
    };

    public static readonly IReadOnlyDictionary<string, TiField> ByName = All.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Required on create for every target product (the generic create page; the emulator follows it too).</summary>
    public static readonly string[] RequiredOnCreate = { "action", "description", "expirationDateTime", "targetProduct", "threatType", "tlpLevel" };

    /// <summary>The observables Microsoft Defender ATP accepts; an indicator for it has exactly one.</summary>
    public static readonly string[] DefenderObservables = { "domainName", "url", "networkDestinationIPv4", "networkDestinationIPv6", "fileHashValue" };

    /// <summary>Fields updateTiIndicators and PATCH may change, per target product.</summary>
    public static readonly string[] SentinelUpdatable =
    {
        "action", "activityGroupNames", "additionalInformation", "confidence", "description", "diamondModel", "expirationDateTime",
        "externalId", "isActive", "killChain", "knownFalsePositives", "lastReportedDateTime", "malwareFamilyNames", "passiveOnly",
        "severity", "tags", "tlpLevel",
    };
    public static readonly string[] DefenderUpdatable = { "description", "expirationDateTime", "severity" };

    public static readonly string[] KillChainValues = { "Actions", "C2", "Delivery", "Exploitation", "Installation", "Reconnaissance", "Weaponization" };

    /// <summary>The wire string of a target product.</summary>
    public static string ToWire(TiTargetProduct product) => product == TiTargetProduct.MicrosoftDefenderAtp ? DefenderAtp : Sentinel;

    /// <summary>Reads a target product from the spellings people use: "Azure Sentinel", "Sentinel", "Microsoft Defender ATP", "MDE", …</summary>
    public static bool TryParseTargetProduct(string? text, [NotNullWhen(true)] out string? wire)
    {
        var key = new string((text ?? "").Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
        switch (key)
        {
            case "azuresentinel":
            case "sentinel":
            case "microsoftsentinel":
                wire = Sentinel; return true;
            case "microsoftdefenderatp":
            case "defenderatp":
            case "mde":
            case "mdatp":
            case "defender":
            case "microsoftdefenderforendpoint":
            case "defenderforendpoint":
                wire = DefenderAtp; return true;
            default:
                wire = null; return false;
        }
    }

    public static bool TryParseThreatType(string? text, [NotNullWhen(true)] out string? wire)
    {
        wire = Enum.GetNames(typeof(TiThreatType)).FirstOrDefault(n => string.Equals(n, (text ?? "").Trim(), StringComparison.OrdinalIgnoreCase));
        return wire != null;
    }
}
