using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.RegularExpressions;

namespace GraphSecurity.Engine.Http;

/// <summary>
/// One failing provider of a federated answer: 206 Partial Content carries a Warning item
/// <c>199 - "Vendor/Provider/Status/LatencyMs"</c> per provider that failed or timed out.
/// </summary>
public sealed class PartialResultWarning
{
    private static readonly Regex Item = new Regex("\\d{3}\\s+\\S+\\s+\"(?<text>[^\"]*)\"", RegexOptions.Compiled);

    public string? Vendor { get; private set; }
    public string? Provider { get; private set; }
    public int? StatusCode { get; private set; }
    public int? LatencyMilliseconds { get; private set; }
    /// <summary>The warning text as the service sent it.</summary>
    public string Text { get; private set; } = "";

    /// <summary>The failing providers of a 206 answer; null for any other answer.</summary>
    public static List<PartialResultWarning>? From(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.PartialContent) return null;
        var values = response.Headers.TryGetValues("Warning", out var v) ? v : Enumerable.Empty<string>();
        var warnings = Parse(string.Join(", ", values));
        return warnings.Count > 0 ? warnings : new List<PartialResultWarning> { new PartialResultWarning { Text = "206 Partial Content without a Warning header" } };
    }

    public static List<PartialResultWarning> Parse(string? header) =>
        Item.Matches(header ?? "").Cast<Match>().Select(m => FromText(m.Groups["text"].Value)).ToList();

    private static PartialResultWarning FromText(string text)
    {
        var parts = text.Split('/');
        int? Number(int i) => parts.Length > i && int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
        return new PartialResultWarning
        {
            Text = text,
            Vendor = parts.Length == 4 ? parts[0] : null,
            Provider = parts.Length == 4 ? parts[1] : null,
            StatusCode = parts.Length == 4 ? Number(2) : null,
            LatencyMilliseconds = parts.Length == 4 ? Number(3) : null,
        };
    }

    /// <summary>E.g. "Provider IPC (Microsoft) failed with status 504 after 10000 ms; its results are missing."</summary>
    public override string ToString() => Provider == null
        ? $"The service returned a partial result ({Text}); some results are missing."
        : $"Provider {Provider} ({Vendor}) failed with status {StatusCode} after {LatencyMilliseconds} ms; its results are missing.";
}

/// <summary>A partial (206) answer when the caller asked for all or nothing.</summary>
public sealed class PartialResultException : Exception
{
    public PartialResultException(IReadOnlyList<PartialResultWarning> warnings)
        : base("The service returned a partial result: " + string.Join(" ", warnings.Select(w => w.ToString())))
    {
        Warnings = warnings;
    }

    public IReadOnlyList<PartialResultWarning> Warnings { get; }
}
