using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;
using SdkAlert = Microsoft.Graph.Models.Security.Alert;
using SdkAlertPage = Microsoft.Graph.Models.Security.AlertCollectionResponse;

namespace GraphSecurity.Bench;

/// <summary>
/// Reads every alerts_v2 alert of the emulator's default tenant and prints one JSON line:
/// {"contender","items","pages","seconds","firstItemSeconds","peakWorkingSetBytes"}.
/// Usage: GraphSecurity.Bench (raw|sdk|fetch) --info PATH [--top N]
/// </summary>
public static class Program
{
    // The emulator's well-known default app (docs/emulator.md); it opens nothing but the local emulator.
    private const string ClientId = "6a7f3c1e-52d4-4b8e-9f0a-3e5d7c9b1a20";
    private const string ClientSecret = "gs-emulator-default-secret";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 3 || args[1] != "--info")
        {
            Console.Error.WriteLine("usage: GraphSecurity.Bench (raw|sdk) --info PATH [--top N]");
            return 2;
        }
        var contender = args[0];
        var top = args.Length >= 5 && args[3] == "--top" ? int.Parse(args[4]) : 2000;
        var info = EmulatorInfo.Read(args[2]);
        using var http = info.CreateHttpClient();
        var token = await info.GetTokenAsync(http, ClientId, ClientSecret);
        var firstPage = $"{info.Url}/v1.0/security/alerts_v2?$top={top}";

        var clock = Stopwatch.StartNew();
        ReadResult result = contender switch
        {
            "raw" => await ReadRawAsync(http, token, firstPage, clock),
            "sdk" => await ReadSdkAsync(http, token, info.Url, top, clock),
            "fetch" => await FetchOnlyAsync(http, token, firstPage, clock),
            _ => throw new ArgumentException($"Unknown contender '{contender}'."),
        };
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            contender,
            items = result.Items,
            pages = result.Pages,
            seconds,
            firstItemSeconds = result.FirstItemSeconds,
            peakWorkingSetBytes = PeakWorkingSet(),
        }));
        return 0;
    }

    public sealed class ReadResult
    {
        public long Items;
        public int Pages;
        public double FirstItemSeconds;
    }

    /// <summary>The limit: the same pages with HttpClient, parsed with JsonDocument, each alert touched once.</summary>
    public static async Task<ReadResult> ReadRawAsync(HttpClient http, string token, string url, Stopwatch clock)
    {
        var result = new ReadResult();
        while (url != null)
        {
            using var response = await GetPageAsync(http, token, url);
            await using var stream = await response.Content.ReadAsStreamAsync();
            using var page = await JsonDocument.ParseAsync(stream);
            result.Pages++;
            foreach (var alert in page.RootElement.GetProperty("value").EnumerateArray())
            {
                if (alert.GetProperty("id").ValueKind != JsonValueKind.String) throw new InvalidDataException("An alert without id.");
                if (result.Items++ == 0) result.FirstItemSeconds = clock.Elapsed.TotalSeconds;
            }
            url = page.RootElement.TryGetProperty("@odata.nextLink", out var next) ? next.GetString() : null;
        }
        return result;
    }

    private static async Task<HttpResponseMessage> GetPageAsync(HttpClient http, string token, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Prefer", "include-unknown-enum-members");
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return response;
    }

    /// <summary>
    /// The emulator's serving rate as one client sees it: the same pages downloaded and thrown away.
    /// The emulator writes @odata.nextLink before "value", so only the head is parsed; items are not
    /// counted (the caller knows how many the tenant has).
    /// </summary>
    public static async Task<ReadResult> FetchOnlyAsync(HttpClient http, string token, string url, Stopwatch clock)
    {
        var result = new ReadResult();
        var buffer = new byte[1 << 16];
        while (url != null)
        {
            using var response = await GetPageAsync(http, token, url);
            await using var stream = await response.Content.ReadAsStreamAsync();
            int length = 0, read;
            while (length < 4096 && (read = await stream.ReadAsync(buffer.AsMemory(length, 4096 - length))) > 0) length += read;
            url = NextLinkInHead(buffer.AsSpan(0, length));
            long total = length;
            while ((read = await stream.ReadAsync(buffer)) > 0) total += read;
            result.Pages++;
            if (result.Pages == 1) result.FirstItemSeconds = clock.Elapsed.TotalSeconds;
        }
        return result;
    }

    private static string NextLinkInHead(ReadOnlySpan<byte> head)
    {
        var reader = new Utf8JsonReader(head, isFinalBlock: false, state: default);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                if (reader.ValueTextEquals("value")) return null;
                var isNext = reader.ValueTextEquals("@odata.nextLink");
                if (!reader.Read()) return null;
                if (isNext) return reader.GetString();
            }
        }
        return null;
    }

    /// <summary>What SDK users write: GraphServiceClient for the first page, PageIterator for the rest.</summary>
    public static async Task<ReadResult> ReadSdkAsync(HttpClient http, string token, string baseUrl, int top, Stopwatch clock)
    {
        var result = new ReadResult();
        var client = new GraphServiceClient(http, new BaseBearerTokenAuthenticationProvider(new StaticTokenProvider(token)), baseUrl + "/v1.0");
        var first = await client.Security.Alerts_v2.GetAsync(r =>
        {
            r.QueryParameters.Top = top;
            r.Headers.Add("Prefer", "include-unknown-enum-members");
        });
        var iterator = PageIterator<SdkAlert, SdkAlertPage>.CreatePageIterator(client, first, alert =>
        {
            if (alert.Id == null) throw new InvalidDataException("An alert without id.");
            if (result.Items++ == 0) result.FirstItemSeconds = clock.Elapsed.TotalSeconds;
            return true;
        });
        await iterator.IterateAsync();
        result.Pages = -1; // PageIterator does not say how many requests it made.
        return result;
    }

    private static long PeakWorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.PeakWorkingSet64;
    }

    private sealed class StaticTokenProvider(string token) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();
        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object> additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(token);
    }
}

/// <summary>The emulator's info file: URL, pinned certificate thumbprint and default tenant.</summary>
internal sealed class EmulatorInfo
{
    public string Url { get; private init; }
    public string Thumbprint { get; private init; }
    public string TenantId { get; private init; }

    public static EmulatorInfo Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        return new EmulatorInfo
        {
            Url = root.GetProperty("url").GetString()!.TrimEnd('/'),
            Thumbprint = root.GetProperty("thumbprint").GetString(),
            TenantId = root.GetProperty("tenants")[0].GetProperty("id").GetString(),
        };
    }

    /// <summary>An HttpClient that trusts exactly the emulator's self-signed certificate.</summary>
    public HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate != null && string.Equals(certificate.GetCertHashString(), Thumbprint, StringComparison.OrdinalIgnoreCase);
        return new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(5) };
    }

    public async Task<string> GetTokenAsync(HttpClient http, string clientId, string secret)
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = "https://graph.microsoft.com/.default",
        });
        using var response = await http.PostAsync($"{Url}/{TenantId}/oauth2/v2.0/token", form);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("access_token").GetString();
    }
}
