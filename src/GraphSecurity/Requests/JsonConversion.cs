using System;
using System.Collections;
using System.Collections.Specialized;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Text.Json;
using GraphSecurity.Engine.Json;

namespace GraphSecurity.Commands.Requests;

/// <summary>
/// JSON to PowerShell values and back, for Invoke-GsRequest. Objects become PSCustomObjects or
/// ordered case-insensitive dictionaries ([ordered] in PowerShell), arrays object[], numbers long
/// or double; strings stay strings (dates too: the caller knows which fields are dates).
/// </summary>
internal static class JsonConversion
{
    private const int MaxDepth = 64;

    public static PSObject ToPSObject(JsonElement element) => (PSObject)ToValue(element, asDictionary: false);

    public static object ToValue(JsonElement element, bool asDictionary)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (asDictionary)
                {
                    var members = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
                    foreach (var property in element.EnumerateObject()) members[property.Name] = ToValue(property.Value, true);
                    return members;
                }
                var item = new PSObject();
                foreach (var property in element.EnumerateObject())
                {
                    // A name JSON allows twice is kept once, the last value winning, as the service would read it.
                    item.Properties.Remove(property.Name);
                    item.Properties.Add(new PSNoteProperty(property.Name, ToValue(property.Value, false)));
                }
                return item;
            case JsonValueKind.Array: return element.EnumerateArray().Select(e => ToValue(e, asDictionary)).ToArray();
            case JsonValueKind.String: return element.GetString();
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var whole)) return whole;
                return element.GetDouble();
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            default: return null;
        }
    }

    /// <summary>
    /// The JSON of a request body given as a hashtable, PSCustomObject, array or any object (module
    /// objects are written as the service spells them). Dates are written in UTC ISO 8601, enums by name.
    /// A SecureString is refused: a secret is never written out in plain text.
    /// </summary>
    public static byte[] ToJson(object value)
    {
        using (var stream = new MemoryStream())
        {
            using (var writer = new Utf8JsonWriter(stream))
                Write(writer, value, 0);
            return stream.ToArray();
        }
    }

    private static void Write(Utf8JsonWriter writer, object value, int depth)
    {
        if (depth > MaxDepth) throw new ArgumentException($"-Body nests deeper than {MaxDepth} levels (does an object contain itself?).");
        if (value is PSObject wrapped && !(wrapped.BaseObject is PSCustomObject)) value = wrapped.BaseObject;
        switch (value)
        {
            case null: writer.WriteNullValue(); return;
            case string text: writer.WriteStringValue(text); return;
            case bool flag: writer.WriteBooleanValue(flag); return;
            case char character: writer.WriteStringValue(character.ToString()); return;
            case DateTime moment: writer.WriteStringValue(Iso(new DateTimeOffset(moment.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(moment, DateTimeKind.Local) : moment))); return;
            case DateTimeOffset moment: writer.WriteStringValue(Iso(moment)); return;
            case TimeSpan span: writer.WriteStringValue(System.Xml.XmlConvert.ToString(span)); return;
            case Guid guid: writer.WriteStringValue(guid.ToString()); return;
            case Uri uri: writer.WriteStringValue(uri.OriginalString); return;
            case Enum member: writer.WriteStringValue(GraphJson.ToWire(member)); return;
            case SwitchParameter switchValue: writer.WriteBooleanValue(switchValue.IsPresent); return;
            case SecureString _: throw new ArgumentException("-Body holds a SecureString; a secret is not written into a request body. Give its value explicitly if the API really needs it.");
            case JsonElement element: element.WriteTo(writer); return;
            case byte _:
            case sbyte _:
            case short _:
            case ushort _:
            case int _:
            case uint _:
            case long _:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); return;
            case ulong big: writer.WriteNumberValue(big); return;
            case float _:
            case double _:
                var real = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsNaN(real) || double.IsInfinity(real)) throw new ArgumentException("-Body holds a number JSON cannot carry (NaN or infinity).");
                writer.WriteNumberValue(real); return;
            case decimal exact: writer.WriteNumberValue(exact); return;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture));
                    Write(writer, entry.Value, depth + 1);
                }
                writer.WriteEndObject();
                return;
            case PSObject custom:
                writer.WriteStartObject();
                foreach (var property in custom.Properties.Where(p => p.IsGettable && (p is PSNoteProperty || p is PSProperty)))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, depth + 1);
                }
                writer.WriteEndObject();
                return;
            case IEnumerable sequence:
                writer.WriteStartArray();
                foreach (var element in sequence) Write(writer, element, depth + 1);
                writer.WriteEndArray();
                return;
            default:
                // A module object (an alert, an indicator…): its service form.
                JsonSerializer.Serialize(writer, value, value.GetType(), GraphJson.Options);
                return;
        }
    }

    private static string Iso(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
