using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Graph.Query;
using P = GraphSecurity.Emulator.Graph.Props<GraphSecurity.Emulator.Graph.Legacy.LegacyAlert>;

namespace GraphSecurity.Emulator.Graph.Legacy;

/// <summary>
/// A legacy <c>microsoft.graph.alert</c> (/security/alerts). Complex collections are kept as JSON in
/// the exact CSDL member names; copy-on-write like the v2 alerts.
/// </summary>
public sealed class LegacyAlert
{
    public string Id { get; set; }
    public string ActivityGroupName { get; set; }
    public JsonArray AlertDetections { get; set; } = new();
    public string AssignedTo { get; set; }
    public string AzureSubscriptionId { get; set; }
    public string AzureTenantId { get; set; }
    public string Category { get; set; }
    public DateTimeOffset? ClosedDateTime { get; set; }
    public JsonArray CloudAppStates => States.CloudAppStates;
    public List<string> Comments { get; set; } = new();
    public int? Confidence { get; set; }
    public DateTimeOffset CreatedDateTime { get; set; }
    public string Description { get; set; }
    public List<string> DetectionIds { get; set; } = new();
    public DateTimeOffset? EventDateTime { get; set; }
    public string Feedback { get; set; }
    public JsonArray FileStates => States.FileStates;
    public JsonArray HistoryStates { get; set; } = new();
    public JsonArray HostStates => States.HostStates;
    public List<string> IncidentIds { get; set; } = new();
    public JsonArray InvestigationSecurityStates { get; set; } = new();
    public DateTimeOffset? LastEventDateTime { get; set; }
    public DateTimeOffset? LastModifiedDateTime { get; set; }
    public JsonArray MalwareStates { get; set; } = new();
    public JsonArray MessageSecurityStates => States.MessageSecurityStates;
    public JsonArray NetworkConnections => States.NetworkConnections;
    public JsonArray Processes => States.Processes;
    public List<string> RecommendedActions { get; set; } = new();
    public JsonArray RegistryKeyStates => States.RegistryKeyStates;
    public JsonArray SecurityResources => States.SecurityResources;
    public string Severity { get; set; }
    public List<string> SourceMaterials { get; set; } = new();
    public string Status { get; set; }
    public List<string> Tags { get; set; } = new();
    public string Title { get; set; }
    public JsonArray Triggers { get; set; } = new();
    public JsonArray UriClickSecurityStates => States.UriClickSecurityStates;
    public JsonArray UserStates => States.UserStates;
    public JsonObject VendorInformation { get; set; }
    public JsonArray VulnerabilityStates { get; set; } = new();

    /// <summary>
    /// The state collections derived from the v2 alert's evidence, built on first use so a large tenant's
    /// legacy view costs little until its states are read (a lambda filter over them reads them all).
    /// </summary>
    public LegacyStates States
    {
        get => _states ?? LazyInitializer.EnsureInitialized(ref _states, _statesFactory ?? (() => new LegacyStates()));
        set => _states = value;
    }
    private LegacyStates _states;
    private Func<LegacyStates> _statesFactory;
    public void SetStatesFactory(Func<LegacyStates> factory) => _statesFactory = factory;

    /// <summary>vendorInformation/provider: which federated provider owns the alert.</summary>
    public string Provider => (string)VendorInformation?["provider"];

    /// <summary>A copy whose updatable collections are new (the JSON state collections are never mutated in place).</summary>
    public LegacyAlert Clone()
    {
        var c = (LegacyAlert)MemberwiseClone();
        c.Comments = new List<string>(Comments);
        c.Tags = new List<string>(Tags);
        c.HistoryStates = (JsonArray)HistoryStates.DeepClone();
        return c;
    }
}

/// <summary>The evidence-derived state collections of a legacy alert (never changed after they are built).</summary>
public sealed class LegacyStates
{
    public JsonArray CloudAppStates { get; init; } = new();
    public JsonArray FileStates { get; init; } = new();
    public JsonArray HostStates { get; init; } = new();
    public JsonArray MessageSecurityStates { get; init; } = new();
    public JsonArray NetworkConnections { get; init; } = new();
    public JsonArray Processes { get; init; } = new();
    public JsonArray RegistryKeyStates { get; init; } = new();
    public JsonArray SecurityResources { get; init; } = new();
    public JsonArray UriClickSecurityStates { get; init; } = new();
    public JsonArray UserStates { get; init; } = new();
}

/// <summary>Schema of microsoft.graph.alert (CSDL v1.0 order) and its enums (§2.4).</summary>
public static class LegacyAlertSchema
{
    public const string TypeName = "microsoft.graph.alert";

    public static readonly EnumDef Status = new("alertStatus", "unknown", "newAlert", "inProgress", "resolved", "dismissed", "unknownFutureValue") { Namespace = "microsoft.graph" };
    public static readonly EnumDef Severity = new("alertSeverity", "unknown", "informational", "low", "medium", "high", "unknownFutureValue") { Namespace = "microsoft.graph" };
    public static readonly EnumDef Feedback = new("alertFeedback", "unknown", "truePositive", "falsePositive", "benignPositive", "unknownFutureValue") { Namespace = "microsoft.graph" };

    public static readonly EntitySchema Entity = new(TypeName, "alerts", new List<PropertyDef>
    {
        P.S("id", a => a.Id),
        P.S("activityGroupName", a => a.ActivityGroupName),
        P.J("alertDetections", a => a.AlertDetections),
        P.S("assignedTo", a => a.AssignedTo, filterable: true, updatable: true),
        P.S("azureSubscriptionId", a => a.AzureSubscriptionId, filterable: true),
        P.S("azureTenantId", a => a.AzureTenantId, filterable: true),
        P.S("category", a => a.Category, filterable: true),
        P.D("closedDateTime", a => a.ClosedDateTime, filterable: true, updatable: true),
        P.J("cloudAppStates", a => a.CloudAppStates, lambda: true),
        P.C("comments", a => a.Comments, updatable: true),
        P.I("confidence", a => a.Confidence, filterable: true),
        P.D("createdDateTime", a => a.CreatedDateTime, filterable: true),
        P.S("description", a => a.Description),
        P.C("detectionIds", a => a.DetectionIds, lambda: true),
        P.D("eventDateTime", a => a.EventDateTime, filterable: true),
        P.E("feedback", Feedback, a => a.Feedback, filterable: true, updatable: true),
        P.J("fileStates", a => a.FileStates, lambda: true),
        P.J("historyStates", a => a.HistoryStates),
        P.J("hostStates", a => a.HostStates, lambda: true),
        P.C("incidentIds", a => a.IncidentIds, lambda: true),
        P.J("investigationSecurityStates", a => a.InvestigationSecurityStates),
        P.D("lastEventDateTime", a => a.LastEventDateTime),
        P.D("lastModifiedDateTime", a => a.LastModifiedDateTime, filterable: true),
        P.J("malwareStates", a => a.MalwareStates, lambda: true),
        P.J("messageSecurityStates", a => a.MessageSecurityStates),
        P.J("networkConnections", a => a.NetworkConnections, lambda: true),
        P.J("processes", a => a.Processes, lambda: true),
        P.C("recommendedActions", a => a.RecommendedActions),
        P.J("registryKeyStates", a => a.RegistryKeyStates, lambda: true),
        P.J("securityResources", a => a.SecurityResources),
        P.E("severity", Severity, a => a.Severity, filterable: true),
        P.C("sourceMaterials", a => a.SourceMaterials),
        P.E("status", Status, a => a.Status, filterable: true, updatable: true),
        P.C("tags", a => a.Tags, lambda: true, updatable: true),
        P.S("title", a => a.Title, filterable: true),
        P.J("triggers", a => a.Triggers, lambda: true),
        P.J("uriClickSecurityStates", a => a.UriClickSecurityStates),
        P.J("userStates", a => a.UserStates, lambda: true),
        P.J("vendorInformation", a => a.VendorInformation, filterable: true),
        P.J("vulnerabilityStates", a => a.VulnerabilityStates, lambda: true),
    })
    { WriteODataType = false, FilterHint = ", vendorInformation/provider|vendor|subProvider|providerVersion, and any() lambdas over the state collections and tags" };

    public const int MaxTop = 1000;
    public const int MaxSkip = 500;
    /// <summary>Per-provider page size when $top is absent (undocumented; the emulator's choice).</summary>
    public const int DefaultTopPerProvider = 100;

    public static readonly QueryRules Rules = new(Entity, MaxTop) { MaxSkip = MaxSkip, DefaultTop = DefaultTopPerProvider };
}
