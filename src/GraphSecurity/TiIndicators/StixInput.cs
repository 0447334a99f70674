using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Engine.TiIndicators;

namespace GraphSecurity.Commands.TiIndicators;

/// <summary>
/// STIX 2.1 objects from the pipeline (ConvertFrom-Json of a bundle or of objects, or hashtables):
/// recognised by a type and an id of the form type--UUID, turned back into plain dictionaries for
/// Sentinel's upload, or, for Defender for Endpoint and syncs, an indicator's one-comparison pattern
/// turned into the row fields every other input has.
/// </summary>
internal static class StixInput
{
    private static readonly HashSet<string> Types = new HashSet<string>(StringComparer.Ordinal)
    {
        "indicator", "attack-pattern", "threat-actor", "identity", "relationship", "malware", "campaign", "intrusion-set", "marking-definition",
        "tool", "vulnerability", "report", "course-of-action", "infrastructure", "location", "observed-data", "sighting", "note", "opinion", "grouping",
    };

    /// <summary>A piped STIX bundle, with the objects it holds.</summary>
    public static bool IsBundle(PSObject input, out IEnumerable objects)
    {
        objects = null;
        var bundle = AsDictionary(input?.BaseObject is IDictionary ? input.BaseObject : input);
        if (bundle == null || !(bundle.TryGetValue("type", out var type) && "bundle".Equals(type)) || !(bundle.TryGetValue("objects", out var items) && items is IEnumerable list)) return false;
        objects = list;
        return true;
    }

    /// <summary>The STIX object a piped value is, as a dictionary, or null when it is none.</summary>
    public static Dictionary<string, object> AsStixObject(PSObject input)
    {
        if (input == null || input.BaseObject is string) return null;
        if (!(input.Properties["type"]?.Value is string) && !(input.BaseObject is IDictionary)) return null;
        var stix = AsDictionary(input.BaseObject is IDictionary ? input.BaseObject : input);
        if (stix == null || !(stix.TryGetValue("type", out var t) && t is string type) || !Types.Contains(type)) return null;
        return stix.TryGetValue("id", out var i) && i is string id && id.StartsWith(type + "--", StringComparison.Ordinal) ? stix : null;
    }

    /// <summary>A STIX object that goes to Sentinel as it is: its own id, its own type; expired when its valid_until has passed.</summary>
    public static TiPreparedInput AsIs(Dictionary<string, object> stix, long line, object input, DateTimeOffset now)
    {
        var id = (string)stix["id"];
        var label = Text(stix, "pattern") ?? Text(stix, "name") ?? id;
        var draft = new TiIndicatorDraft { ExternalId = id, IndicatorType = "stix:" + stix["type"], Indicator = label, LookupKey = "stix:" + id, TargetProduct = TiTarget.Sentinel.ToString() };
        if (DateTimeOffset.TryParse(Text(stix, "valid_until"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var until))
        {
            draft.Body["expirationDateTime"] = until;
            draft.IsExpired = until <= now;
        }
        return new TiPreparedInput { Line = line, Input = input, Target = TiTarget.Sentinel, Draft = draft, TargetBody = stix, Observable = new TiObservable("stix", id), ExternalId = id, ExpirationGiven = true };
    }

    /// <summary>The row fields of a STIX indicator (its observable, validity, name, confidence, labels), or null with why it has none.</summary>
    public static Dictionary<string, object> FieldsOf(Dictionary<string, object> stix, out string reason)
    {
        reason = null;
        var type = (string)stix["type"];
        if (type != "indicator")
        {
            reason = $"A STIX {type} has no place here: only indicators become Defender for Endpoint indicators or take part in a sync; New-GsTiIndicator -Target Sentinel uploads it as it is.";
            return null;
        }
        var observable = StixIndicatorMapping.ParsePattern(Text(stix, "pattern"), out reason);
        if (observable == null) return null;
        var fields = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase) { [TiObservable.FieldOf(observable.Kind)] = observable.Value };
        if (observable.Kind == "md5" || observable.Kind == "sha1" || observable.Kind == "sha256") fields["fileHashType"] = observable.Kind;
        if (Text(stix, "valid_until") is string until) fields["expirationDateTime"] = until;
        if (Text(stix, "name") is string name) fields["description"] = name.Length <= 100 ? name : name.Substring(0, 100);
        if (stix.TryGetValue("confidence", out var confidence) && confidence != null) fields["confidence"] = confidence;
        if (stix.TryGetValue("labels", out var labels) && labels is IEnumerable list && !(labels is string))
            fields["tags"] = list.Cast<object>().Select(l => Convert.ToString(l, CultureInfo.InvariantCulture)).ToList();
        if (Text(stix, "modified") is string modified) fields["lastReportedDateTime"] = modified;
        fields["externalId"] = stix["id"];
        if (stix.TryGetValue("revoked", out var revoked) && revoked is bool isRevoked && isRevoked) fields["isActive"] = false;
        return fields;
    }

    private static string Text(Dictionary<string, object> stix, string key) =>
        stix.TryGetValue(key, out var value) && value != null ? value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// A JSON-shaped copy of a PowerShell value: objects and hashtables become dictionaries, lists
    /// lists, dates (ConvertFrom-Json makes them DateTime) STIX timestamps again.
    /// </summary>
    private static object Plain(object value)
    {
        if (value is PSObject wrapped && !(wrapped.BaseObject is PSCustomObject)) value = wrapped.BaseObject;
        switch (value)
        {
            case null: return null;
            case string text: return text;
            case DateTime date: return StixIndicatorMapping.Timestamp(date.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(DateTime.SpecifyKind(date, DateTimeKind.Utc)) : new DateTimeOffset(date));
            case DateTimeOffset moment: return StixIndicatorMapping.Timestamp(moment);
            case bool _: case int _: case long _: case double _: case decimal _: return value;
            case IDictionary _: case PSObject _: return AsDictionary(value);
            case IEnumerable items: return items.Cast<object>().Select(Plain).ToList();
            default: return value;
        }
    }

    private static Dictionary<string, object> AsDictionary(object value)
    {
        if (value is IDictionary table)
        {
            var fromTable = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in table) fromTable[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = Plain(entry.Value);
            return fromTable;
        }
        if (!(value is PSObject psObject)) return null;
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var property in psObject.Properties.Where(p => p.MemberType == PSMemberTypes.NoteProperty))
            result[property.Name] = Plain(property.Value);
        return result;
    }
}
