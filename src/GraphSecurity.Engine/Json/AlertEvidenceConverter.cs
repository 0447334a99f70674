using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GraphSecurity.Engine.Json
{
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

        public override AlertEvidence Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            // The hot path of every alert read: find "@odata.type" with a copy of the reader (the serializer
            // hands converters the whole value), then read the object once into its class. Only types this
            // module does not model go through a JsonDocument, to keep their raw JSON.
            var typeName = PeekTypeName(reader);
            if (typeName.StartsWith(Namespace, StringComparison.OrdinalIgnoreCase))
                typeName = typeName.Substring(Namespace.Length);
            if (Types.TryGetValue(typeName, out var type))
                return (AlertEvidence)JsonSerializer.Deserialize(ref reader, type, options);

            using (var document = JsonDocument.ParseValue(ref reader))
            {
                var element = document.RootElement;
                var other = element.Deserialize<OtherEvidence>(options);
                other.TypeName = typeName.Length == 0 ? "alertEvidence" : typeName;
                other.Json = element.GetRawText();
                return other;
            }
        }

        /// <summary>The "@odata.type" of the object at the reader (a copy: the caller's position does not move), or "".</summary>
        private static string PeekTypeName(Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject) return "";
            var depth = reader.CurrentDepth;
            while (reader.Read() && reader.CurrentDepth > depth)
            {
                if (reader.TokenType != JsonTokenType.PropertyName) continue;
                var isType = reader.ValueTextEquals("@odata.type");
                reader.Read();
                if (isType) return reader.TokenType == JsonTokenType.String ? reader.GetString() ?? "" : "";
                reader.Skip();
            }
            return "";
        }

        public override void Write(Utf8JsonWriter writer, AlertEvidence value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value, value.GetType(), options);
    }
}
