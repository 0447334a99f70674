using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Monitor;

/// <summary>One column of a stream declaration (and of the table it feeds): its name and Log Analytics type.</summary>
public sealed record IngestColumn(string Name, string Type)
{
    public static readonly string[] Types = { "string", "int", "long", "real", "boolean", "datetime", "dynamic", "guid" };
}

/// <summary>
/// A stream of a data collection rule (a <c>streamDeclarations</c> key) with its columns, the table its
/// pass-through transform writes to, and the analytics rule over that table (null: rows only).
/// </summary>
public sealed class IngestStream
{
    public string Name { get; init; }
    public IReadOnlyList<IngestColumn> Columns { get; init; }
    public string OutputTable { get; init; }
    public AnalyticsRuleMapping Rule { get; init; }

    public int IndexOf(string column)
    {
        for (int i = 0; i < Columns.Count; i++)
            if (string.Equals(Columns[i].Name, column, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}

/// <summary>
/// A data collection rule of kind Direct (it carries its own logsIngestion endpoint, which on the emulator is
/// <c>/ingest</c>): its immutable id, the tenant whose subscription holds it, its streams, and the principals
/// (app ids, or UPNs of users) holding Monitoring Metrics Publisher on it.
/// </summary>
public sealed class DataCollectionRule
{
    public const string DefaultImmutableId = "dcr-000a00a000a00000a000000aa000a0aa";
    public const string DefaultStream = "Custom-PartnerAlerts";
    public const string DefaultTable = "PartnerAlerts_CL";
    /// <summary>The partner app "Northwind Sentry" (multi-tenant, consented in Contoso).</summary>
    public const string PartnerClientId = "5b9d3f7e-2a4c-4e6b-8d0f-1a3c5e7b9d2f";
    public const string PublisherRole = "Monitoring Metrics Publisher";

    public string ImmutableId { get; init; }
    public string Name { get; init; }
    public string TenantId { get; init; }
    public IReadOnlyDictionary<string, IngestStream> Streams { get; init; }
    public IReadOnlySet<string> Publishers { get; init; }

    public IngestStream Stream(string name) => Streams.TryGetValue(name ?? "", out var s) ? s : null;

    /// <summary>True when the caller holds Monitoring Metrics Publisher on the rule, in the rule's tenant.</summary>
    public bool MayPublish(CallerPrincipal caller) =>
        string.Equals(caller.Tenant.Id, TenantId, StringComparison.OrdinalIgnoreCase) &&
        (Publishers.Contains(caller.AppId) && !caller.IsDelegated || caller.IsDelegated && Publishers.Contains(caller.UserPrincipalName ?? ""));

    /// <summary>The columns of the default partner-alerts stream: what Send-GsPartnerAlert writes.</summary>
    public static IReadOnlyList<IngestColumn> PartnerAlertColumns { get; } = new IngestColumn[]
    {
        new("TimeGenerated", "datetime"), new("AlertId", "string"), new("Title", "string"), new("Description", "string"),
        new("Severity", "string"), new("Category", "string"), new("MitreTechniques", "dynamic"), new("RecommendedActions", "string"),
        new("UserPrincipalName", "string"), new("DeviceName", "string"), new("SrcIp", "string"), new("DstIp", "string"),
        new("Url", "string"), new("FileHash", "string"), new("Mailbox", "string"), new("ProductName", "string"),
    };

    /// <summary>The seeded rule: Custom-PartnerAlerts → PartnerAlerts_CL in Contoso, published by the default and the partner app.</summary>
    public static DataCollectionRule Default() => new()
    {
        ImmutableId = DefaultImmutableId,
        Name = "dcr-partner-alerts",
        TenantId = TenantDirectory.DefaultTenantId,
        Streams = new Dictionary<string, IngestStream>(StringComparer.Ordinal)
        {
            [DefaultStream] = new IngestStream { Name = DefaultStream, Columns = PartnerAlertColumns, OutputTable = DefaultTable, Rule = AnalyticsRuleMapping.PartnerAlerts() },
        },
        Publishers = new HashSet<string>(new[] { TenantDirectory.DefaultClientId, PartnerClientId }, StringComparer.OrdinalIgnoreCase),
    };
}

/// <summary>
/// How the analytics rule over a table makes alerts of its rows (Sentinel's alert details, entity mapping,
/// custom details and incident grouping), by column name. Null columns are not mapped.
/// </summary>
public sealed class AnalyticsRuleMapping
{
    public string Name { get; set; } = "Partner alerts";
    /// <summary>The column that identifies a detection: a row whose value was already made an alert makes no other.</summary>
    public string AlertIdColumn { get; set; } = "AlertId";
    public string TitleColumn { get; set; } = "Title";
    public string DescriptionColumn { get; set; } = "Description";
    public string SeverityColumn { get; set; } = "Severity";
    public string CategoryColumn { get; set; } = "Category";
    public string MitreTechniquesColumn { get; set; } = "MitreTechniques";
    public string RecommendedActionsColumn { get; set; } = "RecommendedActions";
    public string ProductNameColumn { get; set; } = "ProductName";
    /// <summary>Alert severity when the row has none: the rule's own.</summary>
    public string DefaultSeverity { get; set; } = "medium";
    /// <summary>Entity mappings: entity kind (user, host, ip, url, fileHash, mailbox) → the columns that hold it.</summary>
    public Dictionary<string, List<string>> Entities { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["user"] = new() { "UserPrincipalName" },
        ["host"] = new() { "DeviceName" },
        ["ip"] = new() { "SrcIp", "DstIp" },
        ["url"] = new() { "Url" },
        ["fileHash"] = new() { "FileHash" },
        ["mailbox"] = new() { "Mailbox" },
    };
    /// <summary>Alerts whose values of these columns match go to one incident (empty: every alert of a run).</summary>
    public List<string> GroupBy { get; set; } = new() { "UserPrincipalName" };
    /// <summary>An incident takes new alerts of its group for this long after it was created (Sentinel's default 5 hours).</summary>
    public int GroupingWindowMinutes { get; set; } = 300;
    /// <summary>Sentinel's cap: a group's 151st alert opens a new incident.</summary>
    public int MaxAlertsPerIncident { get; set; } = 150;

    public static readonly string[] EntityKinds = { "user", "host", "ip", "url", "fileHash", "mailbox" };

    public static AnalyticsRuleMapping PartnerAlerts() => new();

    /// <summary>Checks every named column exists on the stream; an ArgumentException naming the first that does not.</summary>
    public void Validate(IngestStream stream)
    {
        var named = new[] { AlertIdColumn, TitleColumn, DescriptionColumn, SeverityColumn, CategoryColumn, MitreTechniquesColumn, RecommendedActionsColumn, ProductNameColumn }
            .Concat(Entities?.Values.SelectMany(v => v) ?? Enumerable.Empty<string>()).Concat(GroupBy ?? new());
        foreach (var column in named.Where(c => c != null))
            if (stream.IndexOf(column) < 0) throw new ArgumentException($"Ingestion: the rule over '{stream.OutputTable}' names the column '{column}', which stream '{stream.Name}' does not declare.");
        foreach (var kind in Entities?.Keys ?? Enumerable.Empty<string>())
            if (!EntityKinds.Contains(kind, StringComparer.OrdinalIgnoreCase))
                throw new ArgumentException($"Ingestion: unknown entity kind '{kind}' in the rule over '{stream.OutputTable}'. Known: {string.Join(", ", EntityKinds)}.");
        if (MaxAlertsPerIncident is < 1 or > 150) throw new ArgumentException("Ingestion: 'maxAlertsPerIncident' must be between 1 and 150.");
        if (GroupingWindowMinutes < 1) throw new ArgumentException("Ingestion: 'groupingWindowMinutes' must be positive.");
    }
}
