using System.Text;
using System.Text.Json;
using GraphSecurity.Emulator.Errors;

namespace GraphSecurity.Emulator.Graph;

/// <summary>Reads Graph request bodies and headers the same way on every route.</summary>
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

    /// <summary>True when a <c>Prefer</c> header asks for <paramref name="preference"/> (e.g. "return=representation").</summary>
    public static bool Prefers(HttpRequest request, string preference) =>
        request.Headers["Prefer"].Any(v => v != null && v.Split(',').Any(p =>
            string.Equals(p.Trim(), preference, StringComparison.OrdinalIgnoreCase)));
}
