using System.Text;
using System.Text.Json;
using GraphSecurity.Emulator.Errors;

namespace GraphSecurity.Emulator.Graph;

/// <summary>Reads and validates Graph request bodies and headers the same way on every route.</summary>
public static class GraphRequest
{
    /// <summary>The body as a JSON object; 400 when it is empty, not JSON or not an object.</summary>
    public static async Task<JsonElement> ReadJsonObjectAsync(HttpContext ctx)
    {
        var root = await ReadJsonAsync(ctx);
        if (root.ValueKind != JsonValueKind.Object) throw GraphError.BadRequest("The request body must be a JSON object.");
        return root;
    }

    /// <summary>The body as any JSON value; 400 when it is empty or not JSON.</summary>
    public static async Task<JsonElement> ReadJsonAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        if (string.IsNullOrWhiteSpace(text)) throw GraphError.BadRequest("The request body is empty; a JSON object is required.");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text); }
        catch (JsonException e) { throw GraphError.BadRequest("The request body is not valid JSON: " + e.Message); }
        using (doc) return doc.RootElement.Clone();
    }

    /// <summary>Checks an optional "@odata.type" member against the expected type (leading '#' optional).</summary>
    public static void CheckODataType(JsonElement value, string typeName)
    {
        var t = value.ValueKind == JsonValueKind.String ? value.GetString().TrimStart('#') : null;
        if (!string.Equals(t, typeName, StringComparison.OrdinalIgnoreCase))
            throw GraphError.BadRequest($"The @odata.type '{value}' does not match the type '{typeName}'.");
    }

    public static GraphError UnknownProperty(string name, string typeName) =>
        GraphError.BadRequest($"The property '{name}' does not exist on type '{typeName}'. Make sure to only use property names that are defined by the type.");

    /// <summary>A string or null; anything else is a 400.</summary>
    public static string StringOrNull(JsonProperty prop) => prop.Value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => prop.Value.GetString(),
        _ => throw GraphError.BadRequest($"The value of '{prop.Name}' must be a string."),
    };

    /// <summary>An array of strings (array-replace semantics); null clears it.</summary>
    public static List<string> StringList(JsonProperty prop)
    {
        if (prop.Value.ValueKind == JsonValueKind.Null) return new List<string>();
        if (prop.Value.ValueKind != JsonValueKind.Array || prop.Value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            throw GraphError.BadRequest($"The value of '{prop.Name}' must be an array of strings.");
        return prop.Value.EnumerateArray().Select(v => v.GetString()).ToList();
    }

    /// <summary>The canonical member for a case-insensitive literal; unknown members and unknownFutureValue are a 400.</summary>
    public static string ParseEnum(EnumDef e, string text)
    {
        var canonical = e.Parse(text);
        if (canonical == null || canonical == EnumDef.UnknownFutureValue)
            throw GraphError.BadRequest($"Cannot convert the literal '{text}' to the expected type '{e.FullName}'. Valid values: {string.Join(", ", e.Members.Where(m => m != EnumDef.UnknownFutureValue))}.");
        return canonical;
    }

    /// <summary>One alertComment object (alerts_v2 and incidents); returns its text.</summary>
    public static string ParseComment(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object) throw GraphError.BadRequest("Each comment must be a JSON object.");
        string comment = null;
        foreach (var prop in item.EnumerateObject())
        {
            switch (prop.Name)
            {
                case "@odata.type":
                    CheckODataType(prop.Value, "microsoft.graph.security.alertComment");
                    break;
                case "comment":
                    if (prop.Value.ValueKind != JsonValueKind.String) throw GraphError.BadRequest("The property 'comment' must be a string.");
                    comment = prop.Value.GetString();
                    break;
                case "createdByDisplayName":
                case "createdDateTime":
                    break; // server-assigned; ignored when a client sends them (the SDK may send null)
                default:
                    throw UnknownProperty(prop.Name, "microsoft.graph.security.alertComment");
            }
        }
        if (string.IsNullOrWhiteSpace(comment))
            throw GraphError.BadRequest("The property 'comment' is required and must not be empty.");
        return comment;
    }

    /// <summary>The comments of a POST …/comments body: one alertComment object, or an array of them (what the Graph SDKs send).</summary>
    public static async Task<List<string>> ReadCommentsAsync(HttpContext ctx)
    {
        var body = await ReadJsonAsync(ctx);
        var items = body.ValueKind == JsonValueKind.Array ? body.EnumerateArray().ToList() : new List<JsonElement> { body };
        if (items.Count == 0) throw GraphError.BadRequest("The property 'comment' is required and must not be empty.");
        return items.Select(ParseComment).ToList();
    }

    /// <summary>True when a <c>Prefer</c> header asks for <paramref name="preference"/> (e.g. "return=representation").</summary>
    public static bool Prefers(HttpRequest request, string preference) =>
        request.Headers["Prefer"].Any(v => v != null && v.Split(',').Any(p =>
            string.Equals(p.Trim(), preference, StringComparison.OrdinalIgnoreCase)));

    /// <summary>True when the request asks for the updated entity instead of 204 (Prefer: return=representation).</summary>
    public static bool WantsRepresentation(HttpRequest request) => Prefers(request, "return=representation");
}
