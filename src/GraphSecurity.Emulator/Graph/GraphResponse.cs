using System.Globalization;
using System.Text;
using System.Text.Json;
using GraphSecurity.Emulator.Errors;

namespace GraphSecurity.Emulator.Graph;

/// <summary>Writes OData JSON payloads with the Graph content type.</summary>
public static class GraphResponse
{
    public static string ServiceRoot(HttpRequest r, string version) => $"{r.Scheme}://{r.Host}/{version}";

    /// <summary>How every payload is written (also cached fragments, which must match byte for byte).</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
            write(w);
        context.Response.StatusCode = status;
        GraphHeaders.ApplyContentType(context.Response);
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    /// <summary>
    /// The next page's link: the same request with $skip replaced by <paramref name="nextSkip"/>,
    /// absolute to this emulator. <paramref name="resourcePath"/> is relative to the version root.
    /// </summary>
    public static string NextLink(HttpRequest request, string root, string resourcePath, int nextSkip, bool beta)
    {
        var sb = new StringBuilder(root).Append('/').Append(resourcePath).Append('?');
        bool first = true;
        void Add(string k, string v)
        {
            if (!first) sb.Append('&');
            first = false;
            sb.Append(k).Append('=').Append(Uri.EscapeDataString(v));
        }
        foreach (var (k, v) in request.Query)
        {
            if (string.Equals(k, "$skip", StringComparison.OrdinalIgnoreCase) || (beta && string.Equals(k, "skip", StringComparison.OrdinalIgnoreCase)))
                continue;
            foreach (var value in v) Add(k, value);
        }
        Add("$skip", nextSkip.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }
}
