using System.Text.Json;
using GraphSecurity.Emulator.Errors;

namespace GraphSecurity.Emulator.Graph;

/// <summary>Writes OData JSON payloads with the Graph content type.</summary>
public static class GraphResponse
{
    public static string ServiceRoot(HttpRequest r, string version) => $"{r.Scheme}://{r.Host}/{version}";

    public static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(w);
        context.Response.StatusCode = status;
        GraphHeaders.ApplyContentType(context.Response);
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }
}
