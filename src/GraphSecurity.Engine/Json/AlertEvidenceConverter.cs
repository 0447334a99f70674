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
            using (var document = JsonDocument.ParseValue(ref reader))
            {
                var element = document.RootElement;
                var typeName = element.TryGetProperty("@odata.type", out var t) ? t.GetString() ?? "" : "";
                if (typeName.StartsWith(Namespace, StringComparison.OrdinalIgnoreCase))
                    typeName = typeName.Substring(Namespace.Length);

                if (Types.TryGetValue(typeName, out var type))
                    return (AlertEvidence)element.Deserialize(type, options);

                var other = element.Deserialize<OtherEvidence>(options);
                other.TypeName = typeName.Length == 0 ? "alertEvidence" : typeName;
                other.Json = element.GetRawText();
                return other;
            }
        }

        public override void Write(Utf8JsonWriter writer, AlertEvidence value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value, value.GetType(), options);
    }
}
