namespace GraphSecurity.Emulator.Monitor;

/// <summary>Requests and bytes one data collection rule takes per window (Azure Monitor: 12,000 requests and 2 GB a minute).</summary>
public sealed class IngestionLimit
{
    public int Requests { get; set; } = 12_000;
    public long Bytes { get; set; } = 2L * 1024 * 1024 * 1024;
    public int WindowSeconds { get; set; } = 60;

    public void Validate()
    {
        if (Requests <= 0 || Bytes <= 0 || WindowSeconds <= 0)
            throw new ArgumentException("Ingestion: 'limit' needs positive 'requests', 'bytes' and 'windowSeconds'.");
    }
}

/// <summary>
/// Config file key <c>ingestion</c>: more data collection rules (or replacements of the seeded one, by
/// immutable id), the per-rule limit, and how often the analytics rules run.
/// </summary>
public sealed class IngestionSettings
{
    public List<DcrEntry> DataCollectionRules { get; set; }
    public IngestionLimit Limit { get; set; }
    /// <summary>Seconds between analytics-rule runs; 0 runs them only on <c>POST /_emulator/ingest/rules/run</c>.</summary>
    public double? RuleIntervalSeconds { get; set; }

    /// <summary>{"immutableId","name","tenantId","publishers":["app id or UPN"],"streams":{"Custom-X":{"outputTable","columns":[{"name","type"}],"rule":{…}}}}</summary>
    public sealed class DcrEntry
    {
        public string ImmutableId { get; set; }
        public string Name { get; set; }
        public string TenantId { get; set; }
        public List<string> Publishers { get; set; }
        public Dictionary<string, StreamEntry> Streams { get; set; }
    }

    public sealed class StreamEntry
    {
        public string OutputTable { get; set; }
        public List<ColumnEntry> Columns { get; set; }
        public AnalyticsRuleMapping Rule { get; set; }
    }

    public sealed class ColumnEntry
    {
        public string Name { get; set; }
        public string Type { get; set; }
    }

    /// <summary><paramref name="current"/> with each configured rule added or replacing the one of its immutable id; validated.</summary>
    public List<DataCollectionRule> Merge(List<DataCollectionRule> current)
    {
        var merged = current.ToList();
        foreach (var e in DataCollectionRules ?? new())
        {
            var rule = ToRule(e);
            merged.RemoveAll(r => string.Equals(r.ImmutableId, rule.ImmutableId, StringComparison.OrdinalIgnoreCase));
            merged.Add(rule);
        }
        CheckTables(merged);
        return merged;
    }

    private static DataCollectionRule ToRule(DcrEntry e)
    {
        if (string.IsNullOrWhiteSpace(e.ImmutableId) || !e.ImmutableId.StartsWith("dcr-", StringComparison.Ordinal))
            throw new ArgumentException($"Ingestion: every data collection rule needs an 'immutableId' like 'dcr-0123…' (got '{e.ImmutableId}').");
        if (!Guid.TryParse(e.TenantId, out _)) throw new ArgumentException($"Ingestion: rule '{e.ImmutableId}' needs a 'tenantId' that is a GUID.");
        if (e.Streams is not { Count: > 0 }) throw new ArgumentException($"Ingestion: rule '{e.ImmutableId}' declares no 'streams'.");
        var streams = new Dictionary<string, IngestStream>(StringComparer.Ordinal);
        foreach (var (name, s) in e.Streams)
        {
            if (!name.StartsWith("Custom-", StringComparison.Ordinal) && !name.StartsWith("Microsoft-", StringComparison.Ordinal))
                throw new ArgumentException($"Ingestion: stream '{name}' must start with 'Custom-' (or 'Microsoft-' for a built-in table).");
            if (string.IsNullOrWhiteSpace(s.OutputTable)) throw new ArgumentException($"Ingestion: stream '{name}' needs an 'outputTable'.");
            var columns = (s.Columns ?? new()).Select(c =>
            {
                var type = IngestColumn.Types.FirstOrDefault(t => string.Equals(t, c.Type, StringComparison.OrdinalIgnoreCase))
                    ?? throw new ArgumentException($"Ingestion: column '{c.Name}' of '{name}' has type '{c.Type}'. Known: {string.Join(", ", IngestColumn.Types)}.");
                if (string.IsNullOrWhiteSpace(c.Name)) throw new ArgumentException($"Ingestion: a column of '{name}' has no name.");
                return new IngestColumn(c.Name, type);
            }).ToList();
            if (!columns.Any(c => c.Name == "TimeGenerated" && c.Type == "datetime"))
                throw new ArgumentException($"Ingestion: stream '{name}' must declare the column TimeGenerated of type datetime.");
            var stream = new IngestStream { Name = name, Columns = columns, OutputTable = s.OutputTable, Rule = s.Rule };
            s.Rule?.Validate(stream);
            streams[name] = stream;
        }
        return new DataCollectionRule
        {
            ImmutableId = e.ImmutableId, Name = e.Name ?? e.ImmutableId, TenantId = e.TenantId.ToLowerInvariant(), Streams = streams,
            Publishers = new HashSet<string>(e.Publishers ?? new(), StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>Streams writing to one table of one tenant must declare the same columns: the table has one schema.</summary>
    private static void CheckTables(List<DataCollectionRule> rules)
    {
        foreach (var g in rules.SelectMany(r => r.Streams.Values.Select(s => (r.TenantId, s))).GroupBy(x => (x.TenantId, x.s.OutputTable.ToLowerInvariant())))
        {
            var first = g.First().s.Columns;
            if (g.Any(x => !x.s.Columns.SequenceEqual(first)))
                throw new ArgumentException($"Ingestion: the streams writing to '{g.First().s.OutputTable}' declare different columns; a table has one schema.");
        }
    }
}
