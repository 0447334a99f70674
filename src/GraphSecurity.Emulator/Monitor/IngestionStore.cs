namespace GraphSecurity.Emulator.Monitor;

/// <summary>One row of a table: its values in the table's column order, and when it arrived (its sequence number orders arrivals).</summary>
public sealed record IngestedRow(long Sequence, DateTimeOffset Received, object[] Values);

/// <summary>What the ingestion endpoint answered one request: for the control API's statistics.</summary>
public sealed record IngestRequestRecord(string ImmutableId, string Stream, int Status, long BytesSent, bool Gzip, int Rows, DateTimeOffset Received);

/// <summary>
/// The tables rows were ingested into, per tenant, append-only (no de-duplication, as Azure Monitor), and a log
/// of every request the ingestion endpoint answered.
/// </summary>
public sealed class IngestionStore
{
    private readonly object _lock = new();
    private readonly Dictionary<(string Tenant, string Table), List<IngestedRow>> _tables = new();
    private readonly List<IngestRequestRecord> _requests = new();
    private long _sequence;

    private static (string, string) Key(string tenantId, string table) => (tenantId.ToLowerInvariant(), table.ToLowerInvariant());

    public void Append(string tenantId, string table, IEnumerable<object[]> rows, DateTimeOffset received)
    {
        lock (_lock)
        {
            if (!_tables.TryGetValue(Key(tenantId, table), out var list)) _tables[Key(tenantId, table)] = list = new List<IngestedRow>();
            foreach (var values in rows) list.Add(new IngestedRow(++_sequence, received, values));
        }
    }

    /// <summary>The table's rows with a sequence number above <paramref name="after"/>, in arrival order.</summary>
    public List<IngestedRow> Rows(string tenantId, string table, long after = 0)
    {
        lock (_lock)
            return _tables.TryGetValue(Key(tenantId, table), out var list) ? list.Where(r => r.Sequence > after).ToList() : new List<IngestedRow>();
    }

    public void Log(IngestRequestRecord record)
    {
        lock (_lock) _requests.Add(record);
    }

    public List<IngestRequestRecord> Requests()
    {
        lock (_lock) return _requests.ToList();
    }

    /// <summary>Forgets the request log (rows and the alerts made of them stay).</summary>
    public void ClearRequests()
    {
        lock (_lock) _requests.Clear();
    }
}

/// <summary>
/// Each data collection rule's fixed window of requests and bytes (the window starts at its first request).
/// A refused request still counts, as on the real service.
/// </summary>
public sealed class IngestionLimiter
{
    private sealed class Window
    {
        public DateTimeOffset Start;
        public int Requests;
        public long Bytes;
    }

    private readonly TimeProvider _time;
    private readonly Dictionary<string, Window> _windows = new(StringComparer.OrdinalIgnoreCase);
    private IngestionLimit _limit;

    public IngestionLimiter(IngestionLimit limit, TimeProvider time)
    {
        _limit = limit;
        _time = time;
    }

    public IngestionLimit Limit
    {
        get { lock (_windows) return _limit; }
        set
        {
            value.Validate();
            lock (_windows)
            {
                _limit = value;
                _windows.Clear();
            }
        }
    }

    /// <summary>Counts one request of <paramref name="bytes"/>; null when it is within the limit, else the seconds until the window ends.</summary>
    public int? TryEnter(string immutableId, long bytes)
    {
        lock (_windows)
        {
            var now = _time.GetUtcNow();
            var length = TimeSpan.FromSeconds(_limit.WindowSeconds);
            if (!_windows.TryGetValue(immutableId, out var w) || now >= w.Start + length) _windows[immutableId] = w = new Window { Start = now };
            w.Requests++;
            w.Bytes += bytes;
            if (w.Requests <= _limit.Requests && w.Bytes <= _limit.Bytes) return null;
            return Math.Max(1, (int)Math.Ceiling((w.Start + length - now).TotalSeconds));
        }
    }
}
