using System;
using System.Collections.Generic;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GraphSecurity.Engine.Json
{
    /// <summary>The serializer settings for Graph payloads and the wire form of enum values.</summary>
    public static class GraphJson
    {
        public static readonly JsonSerializerOptions Options = Create();

        private static JsonSerializerOptions Create()
        {
            var options = new JsonSerializerOptions
            {
                PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
                PropertyNameCaseInsensitive = true,
                NumberHandling = JsonNumberHandling.AllowReadingFromString,
                DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            };
            options.Converters.Add(new TolerantEnumConverterFactory());
            options.Converters.Add(new ValueListConverterFactory());
            options.Converters.Add(new AlertEvidenceConverter());
            options.Converters.Add(new TolerantNullableBooleanConverter());
            return options;
        }

        /// <summary>The service's spelling of an enum member: the member name in camelCase.</summary>
        public static string ToWire(Enum value) => CamelCase(value.ToString());

        public static string CamelCase(string name) =>
            Strings.IsNullOrEmpty(name) || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);
    }

    /// <summary>
    /// Reads enum strings case-insensitively; a value this module does not know (the service adds
    /// members over time) becomes UnknownFutureValue, or the default member, instead of failing the page.
    /// </summary>
    internal sealed class TolerantEnumConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(TolerantEnumConverter<>).MakeGenericType(typeToConvert));

        private sealed class TolerantEnumConverter<T> : JsonConverter<T> where T : struct, Enum
        {
            private static readonly T Fallback = Enum.TryParse("UnknownFutureValue", out T f) ? f : default;

            // Member names, case-insensitive: a dictionary lookup instead of Enum.TryParse for every value read.
            private static readonly Dictionary<string, T> Members = CreateMembers();

            private static Dictionary<string, T> CreateMembers()
            {
                var members = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
                foreach (T value in Enum.GetValues(typeof(T))) members[value.ToString()] = value;
                return members;
            }

            // Each member's wire spelling in UTF-8: the values the service sends are matched without making a string.
            private static readonly KeyValuePair<byte[], T>[] WireNames = CreateWireNames();

            private static KeyValuePair<byte[], T>[] CreateWireNames()
            {
                var names = new List<KeyValuePair<byte[], T>>();
                foreach (T value in Enum.GetValues(typeof(T)))
                    names.Add(new KeyValuePair<byte[], T>(System.Text.Encoding.UTF8.GetBytes(GraphJson.ToWire(value)), value));
                return names.ToArray();
            }

            public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                if (reader.TokenType != JsonTokenType.String) return Fallback;
                foreach (var wire in WireNames)
                    if (reader.ValueTextEquals(wire.Key)) return wire.Value;
                var text = reader.GetString();
                if (text != null && Members.TryGetValue(text, out var value)) return value;
                // Numbers and comma-separated flags, as Enum.TryParse accepts them.
                return Enum.TryParse(text, true, out value) ? value : Fallback;
            }

            public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
                writer.WriteStringValue(GraphJson.ToWire(value));
        }
    }

    /// <summary>Reads JSON arrays (or null) into <see cref="ValueList{T}"/>.</summary>
    internal sealed class ValueListConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ValueList<>);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(ValueListConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]));

        private sealed class ValueListConverter<T> : JsonConverter<ValueList<T>>
        {
            public override bool HandleNull => true;

            public override ValueList<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                if (reader.TokenType == JsonTokenType.Null) return ValueList<T>.Empty;
                if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException($"Expected an array for {typeof(T).Name} values.");
                // Items one by one with the element's converter (enum, evidence, string...) or, for plain
                // classes, the serializer: cheaper than a nested Deserialize<List<T>> per list.
                var converter = ElementConverter(options);
                List<T>? items = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var item = reader.TokenType == JsonTokenType.Null ? default
                        : converter != null ? converter.Read(ref reader, typeof(T), options)
                        : JsonSerializer.Deserialize<T>(ref reader, options);
                    // A null item is kept as the service sent it (its place in the list counts); the element type cannot say
                    // so without making every list of the models nullable, hence the one '!'.
                    (items ?? (items = new List<T>())).Add(item!);
                }
                return items == null ? ValueList<T>.Empty : new ValueList<T>(items);
            }

            private JsonConverter<T>? _converter;
            private bool _converterKnown;

            /// <summary>Our own converters and the serializer's string converter; null for types the serializer composes.</summary>
            private JsonConverter<T>? ElementConverter(JsonSerializerOptions options)
            {
                if (!_converterKnown)
                {
                    var converter = options.GetConverter(typeof(T));
                    _converter = typeof(T) == typeof(string) || converter.GetType().Assembly == typeof(ValueListConverter<>).Assembly
                        ? converter as JsonConverter<T> : null;
                    _converterKnown = true;
                }
                return _converter;
            }

            public override void Write(Utf8JsonWriter writer, ValueList<T> value, JsonSerializerOptions options) =>
                JsonSerializer.Serialize(writer, (IEnumerable<T>)value ?? Array.Empty<T>(), options);
        }
    }
}

namespace GraphSecurity.Engine.Json
{
    /// <summary>Reads optional booleans that some payloads carry as strings ("true"), e.g. controlScore.IsApplicable.</summary>
    internal sealed class TolerantNullableBooleanConverter : JsonConverter<bool?>
    {
        public override bool HandleNull => true;

        public override bool? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.True: return true;
                case JsonTokenType.False: return false;
                case JsonTokenType.String: return bool.TryParse(reader.GetString(), out var value) ? value : (bool?)null;
                default: return null;
            }
        }

        public override void Write(Utf8JsonWriter writer, bool? value, JsonSerializerOptions options)
        {
            if (value.HasValue) writer.WriteBooleanValue(value.Value); else writer.WriteNullValue();
        }
    }
}
