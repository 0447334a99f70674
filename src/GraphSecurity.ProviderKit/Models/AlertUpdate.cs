using System.Globalization;
using System.Text.Json;

namespace GraphSecurity.ProviderKit.Models;

/// <summary>
/// A validated PATCH of an alert: only the contract's editable members, each with a flag saying whether the body
/// set it. <see cref="ApplyTo"/> writes it onto an alert with the contract's side effects.
/// </summary>
public sealed record AlertUpdate
{
    public const int MaxTextLength = 1024;
    public const int MaxListCount = 100;

    public static readonly IReadOnlyList<string> EditableFields = new[] { "assignedTo", "closedDateTime", "comments", "feedback", "status", "tags" };

    public bool SetsAssignedTo { get; init; }
    public string AssignedTo { get; init; }
    public bool SetsClosedDateTime { get; init; }
    public DateTimeOffset? ClosedDateTime { get; init; }
    public IReadOnlyList<string> Comments { get; init; }
    public string Feedback { get; init; }
    public string Status { get; init; }
    public IReadOnlyList<string> Tags { get; init; }
    public VendorInformation VendorInformation { get; init; }

    /// <summary>
    /// Reads a PATCH body. <paramref name="vendor"/> and <paramref name="provider"/> are the provider's own names,
    /// which the body's vendorInformation must repeat. Every refusal is a 400 naming the member.
    /// </summary>
    public static AlertUpdate Parse(JsonElement body, string vendor, string provider, bool allowAnyField = false, bool requireVendor = true)
    {
        if (body.ValueKind != JsonValueKind.Object) throw ProviderException.BadRequest("The body must be a JSON object.");
        var update = new AlertUpdate();
        foreach (var member in body.EnumerateObject())
        {
            var value = member.Value;
            update = member.Name switch
            {
                "assignedTo" => update with { SetsAssignedTo = true, AssignedTo = NullableText(member.Name, value) },
                "closedDateTime" => update with { SetsClosedDateTime = true, ClosedDateTime = NullableDate(member.Name, value) },
                "comments" => update with { Comments = TextList(member.Name, value) },
                "tags" => update with { Tags = TextList(member.Name, value) },
                "feedback" => update with { Feedback = Member(member.Name, value, AlertValues.Feedbacks) },
                "status" => update with { Status = Member(member.Name, value, AlertValues.Statuses) },
                "vendorInformation" => update with { VendorInformation = Vendor(value) },
                _ when allowAnyField => update,
                _ => throw ProviderException.BadRequest(
                    $"The field '{member.Name}' cannot be updated; a PATCH may set only {string.Join(", ", EditableFields)} (with vendorInformation)."),
            };
        }
        if (!requireVendor) return update;
        var v = update.VendorInformation;
        if (v == null)
            throw ProviderException.BadRequest("The body must carry vendorInformation with this provider's vendor and provider.");
        if (!string.Equals(v.Vendor, vendor, StringComparison.OrdinalIgnoreCase) || !string.Equals(v.Provider, provider, StringComparison.OrdinalIgnoreCase))
            throw ProviderException.BadRequest(
                $"vendorInformation names vendor '{v.Vendor}' and provider '{v.Provider}'; this provider is vendor '{vendor}', provider '{provider}'.");
        return update;
    }

    /// <summary>
    /// Applies the update to <paramref name="alert"/> in place: lastModifiedDateTime becomes <paramref name="now"/>,
    /// and resolving or dismissing sets closedDateTime when it is still empty.
    /// </summary>
    public ProviderAlert ApplyTo(ProviderAlert alert, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (SetsAssignedTo) alert.AssignedTo = AssignedTo;
        if (SetsClosedDateTime) alert.ClosedDateTime = ClosedDateTime;
        if (Comments != null) alert.Comments = Comments.ToList();
        if (Tags != null) alert.Tags = Tags.ToList();
        if (Feedback != null) alert.Feedback = Feedback;
        if (Status != null) alert.Status = Status;
        if (alert.Status is AlertValues.StatusResolved or AlertValues.StatusDismissed && alert.ClosedDateTime == null)
            alert.ClosedDateTime = now;
        alert.LastModifiedDateTime = now;
        return alert;
    }

    private static string NullableText(string name, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw ProviderException.BadRequest($"'{name}' must be a string or null.");
        var text = value.GetString();
        if (text.Length > MaxTextLength) throw ProviderException.BadRequest($"'{name}' is longer than {MaxTextLength} characters.");
        return text;
    }

    private static DateTimeOffset? NullableDate(string name, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String &&
            DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) &&
            value.GetString().Length >= 10 && char.IsDigit(value.GetString()[0]))
            return date.ToUniversalTime();
        throw ProviderException.BadRequest($"'{name}' must be an ISO-8601 date such as 2026-01-31T08:00:00Z, or null.");
    }

    private static List<string> TextList(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array) throw ProviderException.BadRequest($"'{name}' must be an array of strings.");
        if (value.GetArrayLength() > MaxListCount) throw ProviderException.BadRequest($"'{name}' has more than {MaxListCount} items.");
        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
                throw ProviderException.BadRequest($"'{name}' must contain only non-empty strings.");
            if (item.GetString().Length > MaxTextLength) throw ProviderException.BadRequest($"An item of '{name}' is longer than {MaxTextLength} characters.");
            items.Add(item.GetString());
        }
        return items;
    }

    private static string Member(string name, JsonElement value, IReadOnlyList<string> members)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return AlertValues.Canonical(members, text)
            ?? throw ProviderException.BadRequest($"'{name}' must be one of {string.Join(", ", members)}, not {value.GetRawText()}.");
    }

    /// <summary>Reads a vendorInformation object (also used by security action requests).</summary>
    internal static VendorInformation Vendor(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object) throw ProviderException.BadRequest("'vendorInformation' must be an object.");
        var result = new VendorInformation();
        foreach (var member in value.EnumerateObject())
        {
            var text = NullableText("vendorInformation/" + member.Name, member.Value);
            result = member.Name switch
            {
                "vendor" => result with { Vendor = text },
                "provider" => result with { Provider = text },
                "providerVersion" => result with { ProviderVersion = text },
                "subProvider" => result with { SubProvider = text },
                _ => throw ProviderException.BadRequest($"'vendorInformation/{member.Name}' is not a member of vendorInformation (vendor, provider, providerVersion, subProvider)."),
            };
        }
        return result;
    }
}
