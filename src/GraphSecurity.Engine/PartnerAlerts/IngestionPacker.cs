using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;

namespace GraphSecurity.Engine.PartnerAlerts;

/// <summary>One request's body: the rows it carries (their positions in the input) and the bytes as sent.</summary>
public sealed class PackedRequest
{
    public PackedRequest(int first, int count, byte[] body)
    {
        First = first;
        Count = count;
        Body = body;
    }

    public int First { get; }
    public int Count { get; }
    public byte[] Body { get; }
}

/// <summary>
/// Rows of the partner-alerts stream (the columns of the emulator's seeded Custom-PartnerAlerts stream,
/// docs/emulator.md), and their packing into Logs Ingestion requests: JSON arrays in input order, each as
/// large as fits under the 1,048,576-byte limit — measured on the compressed body when gzipping, since the
/// service counts the bytes as sent. A row is never split across requests.
/// </summary>
public static class IngestionPacker
{
    public const int MaxRequestBytes = 1_048_576;
    private static readonly string[] OneColumnTypes = { "user", "device", "url", "mailbox" };

    /// <summary>The row of one detection; entities the columns have no room for are counted in <paramref name="dropped"/>.</summary>
    public static Dictionary<string, object?> ToRow(PartnerDetection d, DateTimeOffset now, out int dropped)
    {
        string? First(string type, int skip = 0) => d.Entities.Where(e => e.Type == type).Skip(skip).Select(e => e.Value).FirstOrDefault();
        var row = new Dictionary<string, object?>
        {
            ["TimeGenerated"] = (d.TimeGenerated ?? now).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["AlertId"] = d.EffectiveAlertId,
            ["Title"] = d.Title,
            ["Description"] = d.Description,
            ["Severity"] = d.Severity?.ToString(),
            ["Category"] = PartnerDetection.CanonicalTactic(d.Category) ?? d.Category,
            ["MitreTechniques"] = d.MitreTechniques.ToList(),
            ["RecommendedActions"] = d.RecommendedActions,
            ["UserPrincipalName"] = First("user"),
            ["DeviceName"] = First("device"),
            ["SrcIp"] = First("ip"),
            ["DstIp"] = First("ip", 1),
            ["Url"] = First("url"),
            ["FileHash"] = First("file") ?? First("process"),
            ["Mailbox"] = First("mailbox"),
            ["ProductName"] = d.ProductName,
        };
        var mapped = OneColumnTypes.Count(t => d.Entities.Any(e => e.Type == t))
            + Math.Min(2, d.Entities.Count(e => e.Type == "ip")) + (d.Entities.Any(e => e.Type is "file" or "process") ? 1 : 0);
        dropped = d.Entities.Count - mapped;
        foreach (var key in row.Where(kv => kv.Value == null).Select(kv => kv.Key).ToList()) row.Remove(key);
        return row;
    }

    public static byte[] Serialize(Dictionary<string, object?> row) => JsonSerializer.SerializeToUtf8Bytes(row);

    /// <summary>
    /// Packs rows (each already JSON) into requests of at most <paramref name="limit"/> bytes as sent, in order.
    /// The positions of rows that alone exceed the limit are returned in <paramref name="oversized"/> and
    /// carried by no request.
    /// </summary>
    public static List<PackedRequest> Pack(IReadOnlyList<byte[]> rows, bool gzip, out List<int> oversized, int limit = MaxRequestBytes)
    {
        var requests = new List<PackedRequest>();
        oversized = new List<int>();
        var i = 0;
        while (i < rows.Count)
        {
            // The most rows from i whose uncompressed array fits: exact without gzip, and an upper bound with it
            // (gzip of JSON is smaller, so the candidate is cut to what compresses under the limit).
            var cap = gzip ? (long)limit * 16 : limit;
            long size = 2;
            var count = 0;
            while (i + count < rows.Count && size + rows[i + count].Length + (count > 0 ? 1 : 0) <= cap)
            {
                size += rows[i + count].Length + (count > 0 ? 1 : 0);
                count++;
            }
            if (count == 0)
            {
                // Even alone over the uncompressed cap: without gzip it cannot be sent; with gzip try it alone.
                if (!gzip || Body(rows, i, 1, true).Length > limit) { oversized.Add(i); i++; continue; }
                count = 1;
            }
            var body = Body(rows, i, count, gzip);
            if (body.Length > limit)
            {
                // Only with gzip: the most rows whose compressed body fits, by bisection between a count
                // that fits (lo) and one that does not (hi), starting from the compression ratio seen.
                int lo = 0, hi = count;
                byte[]? fits = null;
                var guess = Math.Max(1, Math.Min(count - 1, (int)Math.Floor(count * (limit * 0.97 / body.Length))));
                while (hi - lo > 1)
                {
                    var candidate = Body(rows, i, guess, gzip);
                    if (candidate.Length <= limit) { lo = guess; fits = candidate; }
                    else hi = guess;
                    guess = lo + (hi - lo) / 2;
                }
                if (fits == null) { oversized.Add(i); i++; continue; }
                count = lo;
                body = fits;
            }
            requests.Add(new PackedRequest(i, count, body));
            i += count;
        }
        return requests;
    }

    private static byte[] Body(IReadOnlyList<byte[]> rows, int first, int count, bool gzip)
    {
        using (var buffer = new MemoryStream())
        {
            using (Stream target = gzip ? new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true) : (Stream)new NonClosing(buffer))
            {
                target.WriteByte((byte)'[');
                for (var k = 0; k < count; k++)
                {
                    if (k > 0) target.WriteByte((byte)',');
                    var row = rows[first + k];
                    target.Write(row, 0, row.Length);
                }
                target.WriteByte((byte)']');
            }
            return buffer.ToArray();
        }
    }

    /// <summary>Lets the uncompressed path share the using block without closing the buffer.</summary>
    private sealed class NonClosing : Stream
    {
        private readonly Stream _inner;
        public NonClosing(Stream inner) { _inner = inner; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _inner.Length;
        public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => _inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);
    }
}
