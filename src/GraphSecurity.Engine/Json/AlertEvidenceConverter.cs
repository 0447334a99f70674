using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GraphSecurity.Engine.Json;

/// <summary>Picks the evidence class from the item's "@odata.type".</summary>
internal sealed class AlertEvidenceConverter : JsonConverter<AlertEvidence>
{
    private const string Namespace = "#microsoft.graph.security.";

    private static readonly Dictionary<string, Type> Types = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        ["deviceEvidence"] = typeof(DeviceEvidence),
        ["userEvidence"] = typeof(UserEvidence),
        ["ipEvidence"] = typeof(IpEvidence),
        ["urlEvidence"] = typeof(UrlEvidence),
        ["fileEvidence"] = typeof(FileEvidence),
        ["processEvidence"] = typeof(ProcessEvidence),
        ["mailboxEvidence"] = typeof(MailboxEvidence),
        ["analyzedMessageEvidence"] = typeof(AnalyzedMessageEvidence),
    };

    /// <summary>The modelled types by their full "@odata.type" in UTF-8, so the usual case is matched without making a string.</summary>
    private static readonly KeyValuePair<byte[], Type>[] TypesByWireName = CreateWireNames();

    private static KeyValuePair<byte[], Type>[] CreateWireNames()
    {
        var names = new List<KeyValuePair<byte[], Type>>();
        foreach (var pair in Types) names.Add(new KeyValuePair<byte[], Type>(System.Text.Encoding.UTF8.GetBytes(Namespace + pair.Key), pair.Value));
        return names.ToArray();
    }

    public override AlertEvidence? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // The hot path of every alert read: find "@odata.type" with a copy of the reader (the serializer
        // hands converters the whole value), then read the object once into its class. Only types this
        // module does not model go through a JsonDocument, to keep their raw JSON.
        var typeName = PeekType(reader, out var type);
        if (type != null)
            return (AlertEvidence?)JsonSerializer.Deserialize(ref reader, type, options);
        if (typeName.StartsWith(Namespace, StringComparison.OrdinalIgnoreCase))
            typeName = typeName.Substring(Namespace.Length);
        if (Types.TryGetValue(typeName, out var named))
            return (AlertEvidence?)JsonSerializer.Deserialize(ref reader, named, options);

        using (var document = JsonDocument.ParseValue(ref reader))
        {
            var element = document.RootElement;
            // An object (the serializer hands null to no converter of a class) reads as an object.
            var other = element.Deserialize<OtherEvidence>(options) ?? new OtherEvidence();
            other.TypeName = typeName.Length == 0 ? "alertEvidence" : typeName;
            other.Json = element.GetRawText();
            return other;
        }
    }

    /// <summary>
    /// The "@odata.type" of the object at the reader (a copy: the caller's position does not move):
    /// a modelled type is returned in <paramref name="type"/> (and the name is ""); otherwise the name, or "".
    /// </summary>
    private static string PeekType(Utf8JsonReader reader, out Type? type)
    {
        type = null;
        if (reader.TokenType != JsonTokenType.StartObject) return "";
        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType != JsonTokenType.PropertyName) continue;
            var isType = reader.ValueTextEquals("@odata.type");
            reader.Read();
            if (!isType) { reader.Skip(); continue; }
            if (reader.TokenType != JsonTokenType.String) return "";
            foreach (var known in TypesByWireName)
                if (reader.ValueTextEquals(known.Key)) { type = known.Value; return ""; }
            return reader.GetString() ?? "";
        }
        return "";
    }

    public override void Write(Utf8JsonWriter writer, AlertEvidence value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, value.GetType(), options);
}
