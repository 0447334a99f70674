using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Query;

namespace GraphSecurity.Emulator.Defender;

/// <summary>Reading a Defender request: its OData options and its JSON body, with failures in Defender's error shape.</summary>
public static class DefenderRequest
{
    /// <summary>The OData options (400 ODataError with the parser's message).</summary>
    public static QueryOptions ParseQuery(HttpContext ctx, QueryRules rules)
    {
        try { return QueryOptions.Parse(ctx.Request.Query, isBeta: false, rules); }
        catch (GraphError e) { throw new ApiError(e.Status, "ODataError", e.Message); }
    }

    /// <summary>The body as JSON; 400 InvalidRequestBody when it is not JSON, or empty unless <paramref name="optional"/> (then null).</summary>
    public static async Task<JsonNode> ReadBodyAsync(HttpContext ctx, bool optional = false)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        var text = await reader.ReadToEndAsync();
        if (optional && string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JsonNode.Parse(text) ?? throw new JsonException("null is not a request body.");
        }
        catch (JsonException e)
        {
            throw DefenderIndicatorRules.Invalid("InvalidRequestBody", "The request body is not valid JSON: " + e.Message);
        }
    }
}
