using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.PartnerAlerts;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class PartnerAlertTests
{
    private static PartnerDetection Detection(string title = "C2 beaconing", params PartnerEntity[] entities)
    {
        var d = new PartnerDetection { Title = title, Description = "Periodic connections.", Severity = AlertSeverity.High, Category = "commandandcontrol" };
        d.MitreTechniques.Add("T1071.001");
        d.Entities.AddRange(entities.Length > 0 ? entities : new[] { PartnerDetection.User("alice@contoso.example"), PartnerDetection.Ip("203.0.113.7") });
        return d;
    }

    [Fact]
    public void TheAlertIdIsAHashOfTheStableFieldsOnly()
    {
        var a = Detection();
        var b = Detection("C2 beaconing", PartnerDetection.Ip("203.0.113.7"), PartnerDetection.User("alice@contoso.example"));
        b.TimeGenerated = DateTimeOffset.UtcNow.AddDays(-3);
        b.Category = "CommandAndControl";
        Assert.Matches("^pa-[0-9a-f]{32}$", a.EffectiveAlertId);
        Assert.Equal(a.EffectiveAlertId, b.EffectiveAlertId); // entity order, time and category spelling do not count
        Assert.NotEqual(a.EffectiveAlertId, Detection("C2 beaconing!").EffectiveAlertId);
        Assert.NotEqual(a.EffectiveAlertId, Detection(entities: PartnerDetection.User("bob@contoso.example")).EffectiveAlertId);
        a.AlertId = "  partner-42 ";
        Assert.Equal("partner-42", a.EffectiveAlertId);
    }

    [Fact]
    public void ValidationNamesEveryProblem()
    {
        Assert.Empty(Detection().Problems());
        var d = new PartnerDetection { Description = new string('x', 5001), Category = "Malware", Severity = AlertSeverity.Unknown };
        d.MitreTechniques.Add("phishing");
        d.Entities.Add(PartnerDetection.File("abc"));
        var problems = string.Join(" | ", d.Problems());
        foreach (var part in new[] { "no Title", "5001 characters", "'Malware' is not a MITRE ATT&CK tactic", "Severity 'Unknown'", "'phishing'", "'abc' is not a file hash" })
            Assert.True(problems.Contains(part), $"'{part}' not in: {problems}");
        var many = Detection(entities: Enumerable.Range(0, 101).Select(n => PartnerDetection.Ip($"10.0.0.{n % 250}")).ToArray());
        Assert.Contains(many.Problems(), p => p.Contains("101 entities"));
        var none = Detection();
        none.Entities.Clear();
        Assert.Contains(none.Problems(), p => p.Contains("no entity"));
    }

    [Fact]
    public void EntitiesAreRecognisedFromTheirValues()
    {
        Assert.Equal("aadUserId", PartnerDetection.User(Guid.NewGuid().ToString()).Identifier);
        Assert.Equal("sid", PartnerDetection.User("S-1-5-21-1004336348-1177238915-682003330-512").Identifier);
        Assert.Equal("deviceId", PartnerDetection.Device(new string('a', 40)).Identifier);
        Assert.Equal("sha1", PartnerDetection.File(new string('b', 40)).Identifier);
        Assert.Equal("sha256", PartnerDetection.File(new string('c', 64)).Identifier);
        var entity = PartnerDetection.FromFields(new Dictionary<string, object> { ["entitytype"] = "CLOUDAPPLICATION", ["entityIdentifier"] = "APPID", ["identifierValue"] = "11161", ["role"] = "Impacted" });
        Assert.Equal(("cloudApplication", "appId", true), (entity.Type, entity.Identifier, entity.Impacted));
    }

    [Fact]
    public void CreateAlertCarriesTheIdLineAndReadsItBack()
    {
        var d = Detection();
        var body = (Dictionary<string, object>)CreateAlertSender.Body(d)["createAlertInput"];
        Assert.Equal("CommandAndControl", body["category"]);
        Assert.Equal("high", body["severity"]);
        Assert.Equal(d.EffectiveAlertId, CreateAlertSender.IdOf((string)body["description"]));
        Assert.Null(CreateAlertSender.IdOf("A description that mentions Partner alert id: in passing, then goes on."));
        d.Description = new string('d', PartnerDetection.MaxDescription - 10);
        Assert.Contains(CreateAlertSender.Problems(d), p => p.Contains("no room for the partner alert id"));
    }

    private static List<byte[]> Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(n =>
        {
            var d = Detection($"detection {n}");
            // Random hex compresses poorly, so gzipped requests still need several.
            d.Description = string.Concat(Enumerable.Range(0, random.Next(50, 900)).Select(_ => random.Next(16).ToString("x")));
            return IngestionPacker.Serialize(IngestionPacker.ToRow(d, DateTimeOffset.UtcNow, out _));
        }).ToList();
    }

    private static byte[] Inflate(byte[] body)
    {
        using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    [Theory]
    [InlineData(false, 20_000)]
    [InlineData(true, 20_000)]
    [InlineData(true, IngestionPacker.MaxRequestBytes)]
    [InlineData(false, IngestionPacker.MaxRequestBytes)]
    public void PackingKeepsEveryRequestUnderTheLimitAndEveryRowWholeAndInOrder(bool gzip, int limit)
    {
        var rows = Rows(limit == IngestionPacker.MaxRequestBytes ? 6000 : 400, 7);
        var requests = IngestionPacker.Pack(rows, gzip, out var oversized, limit);
        Assert.Empty(oversized);
        Assert.True(requests.Count > 1);
        Assert.All(requests, r => Assert.True(r.Body.Length <= limit, $"{r.Body.Length} > {limit}"));
        var next = 0;
        foreach (var r in requests)
        {
            Assert.Equal(next, r.First);
            var array = JsonDocument.Parse(gzip ? Inflate(r.Body) : r.Body).RootElement;
            Assert.Equal(r.Count, array.GetArrayLength());
            for (var k = 0; k < r.Count; k++) Assert.Equal(Encoding.UTF8.GetString(rows[r.First + k]), array[k].GetRawText());
            next += r.Count;
        }
        Assert.Equal(rows.Count, next);
        // Packed tight: the next row would not have fitted in any request but the last.
        if (!gzip)
            foreach (var r in requests.Take(requests.Count - 1)) Assert.True(r.Body.Length + 1 + rows[r.First + r.Count].Length > limit);
    }

    [Fact]
    public void ARowTooLargeAloneIsReportedAndTheOthersGo()
    {
        var rows = Rows(5, 3);
        rows.Insert(2, Encoding.UTF8.GetBytes("{\"Title\":\"" + new string('z', 30_000) + "\"}"));
        var requests = IngestionPacker.Pack(rows, false, out var oversized, 20_000);
        Assert.Equal(new[] { 2 }, oversized);
        Assert.Equal(5, requests.Sum(r => r.Count));
        Assert.DoesNotContain(requests, r => r.First <= 2 && r.First + r.Count > 2);
    }

    /// <summary>Answers from a list and keeps each request's URL, headers and body bytes.</summary>
    private sealed class RecordingTransport : HttpMessageHandler
    {
        private readonly Queue<Func<HttpResponseMessage>> _answers;
        public List<(Uri Url, string Encoding, byte[] Body)> Sent { get; } = new();
        public RecordingTransport(params Func<HttpResponseMessage>[] answers) { _answers = new Queue<Func<HttpResponseMessage>>(answers); }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent.Add((request.RequestUri, request.Content?.Headers.ContentEncoding.FirstOrDefault(), await request.Content.ReadAsByteArrayAsync(cancellationToken)));
            var response = _answers.Count > 0 ? _answers.Dequeue()() : new HttpResponseMessage(HttpStatusCode.NoContent);
            response.RequestMessage = request;
            return response;
        }
    }

    private static HttpResponseMessage Error(int status, string code, string retryAfter = null)
    {
        var response = FakeTransport.Json((HttpStatusCode)status, $"{{\"error\":{{\"code\":\"{code}\",\"message\":\"m\"}}}}", ("x-ms-error-code", code));
        if (retryAfter != null) response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        return response;
    }

    private static (LogsIngestionSender Sender, List<TimeSpan> Waits) Sender(RecordingTransport transport)
    {
        var cloud = CloudEnvironment.Emulator(new Uri("https://127.0.0.1:7443/"));
        var waits = new List<TimeSpan>();
        var retry = new RetryPolicy(1) { Delay = (wait, _) => { waits.Add(wait); return Task.CompletedTask; } };
        var api = new ApiClient(cloud, SecurityApi.LogsIngestion, new FixedTokenSource(), transport, null);
        return (new LogsIngestionSender(api, null, "dcr-000a00a000a00000a000000aa000a0aa", "Custom-PartnerAlerts", gzip: true, retry), waits);
    }

    [Fact]
    public async Task A429IsRetriedAfterItsRetryAfterAndCounted()
    {
        var transport = new RecordingTransport(() => Error(429, "TooManyRequests", "7"), () => new HttpResponseMessage(HttpStatusCode.NoContent));
        var (sender, waits) = Sender(transport);
        var request = IngestionPacker.Pack(Rows(3, 1), true, out _)[0];
        var outcome = await sender.SendAsync(request, CancellationToken.None);
        Assert.Null(outcome.Failure);
        Assert.Equal((2, 1), (outcome.Attempts, outcome.Throttled));
        Assert.InRange(waits.Single().TotalSeconds, 7, 8);
        Assert.Equal("https://127.0.0.1:7443/ingest/dataCollectionRules/dcr-000a00a000a00000a000000aa000a0aa/streams/Custom-PartnerAlerts?api-version=2023-01-01",
            transport.Sent[0].Url.AbsoluteUri);
        Assert.All(transport.Sent, s => Assert.Equal("gzip", s.Encoding));
        Assert.Equal(request.Body, transport.Sent[1].Body);
    }

    [Fact]
    public async Task AfterA403TheRemainingRequestsAreNotSent()
    {
        var transport = new RecordingTransport(() => Error(403, "OperationFailed"));
        var (sender, _) = Sender(transport);
        var requests = IngestionPacker.Pack(Rows(200, 2), false, out _, 20_000);
        var outcomes = new List<IngestionOutcome>();
        foreach (var r in requests) outcomes.Add(await sender.SendAsync(r, CancellationToken.None));
        Assert.Single(transport.Sent);
        Assert.All(outcomes, o => Assert.Equal(HttpStatusCode.Forbidden, ((ServiceErrorException)o.Failure).StatusCode));
        Assert.Equal(0, outcomes[1].Attempts);
    }

    [Fact]
    public async Task AnEndpointOfAnotherApiIsRefusedBeforeSending()
    {
        var transport = new RecordingTransport();
        var api = new ApiClient(CloudEnvironment.Global, SecurityApi.LogsIngestion, new FixedTokenSource(), transport, null);
        Assert.Throws<ArgumentException>(() => new LogsIngestionSender(api, null, "dcr-000a00a000a00000a000000aa000a0aa", "Custom-PartnerAlerts", false));
        var sender = new LogsIngestionSender(api, new Uri("https://graph.microsoft.com/"), "dcr-000a00a000a00000a000000aa000a0aa", "Custom-PartnerAlerts", false,
            new RetryPolicy { Delay = (_, _) => Task.CompletedTask });
        var outcome = await sender.SendAsync(IngestionPacker.Pack(Rows(1, 1), false, out _)[0], CancellationToken.None);
        Assert.IsType<TokenDestinationException>(outcome.Failure);
        Assert.Empty(transport.Sent);
    }
}
