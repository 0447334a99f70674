using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Graph.Query;
using P = GraphSecurity.Emulator.Graph.Props<GraphSecurity.Emulator.Graph.SecurityActions.SecurityAction.View>;

namespace GraphSecurity.Emulator.Graph.SecurityActions;

/// <summary>
/// A microsoft.graph.securityAction as created. Its lifecycle is planned at creation
/// (NotStarted until <see cref="StartAt"/>, Running until <see cref="EndAt"/>, then Completed or Failed)
/// and read off the clock by <see cref="At"/>, so nothing runs in the background.
/// </summary>
public sealed class SecurityAction
{
    public string Id { get; init; }
    public string Name { get; init; }
    public string ActionReason { get; init; }
    public string AppId { get; init; }
    public string AzureTenantId { get; init; }
    public string ClientContext { get; init; }
    public DateTimeOffset CreatedDateTime { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; }
    public JsonObject VendorInformation { get; init; }
    public DateTimeOffset StartAt { get; init; }
    public DateTimeOffset EndAt { get; init; }
    /// <summary>Set when the action is planned to fail; becomes errorInfo.</summary>
    public ResultInfo Failure { get; init; }
    /// <summary>Set by cancelSecurityAction (the store swaps in a copy).</summary>
    public DateTimeOffset? CancelledAt { get; init; }

    public sealed record ResultInfo(int Code, string Message, int Subcode = 0);

    public sealed record State(string Status, DateTimeOffset UpdatedDateTime);

    /// <summary>What the action looks like at <paramref name="now"/>.</summary>
    public sealed record View(SecurityAction Action, string Status, IReadOnlyList<State> States, DateTimeOffset? CompletedDateTime, ResultInfo ErrorInfo);

    public static readonly ResultInfo Cancelled = new(409, "The action was cancelled before it completed.");

    public View At(DateTimeOffset now)
    {
        var states = new List<State> { new(OperationStatus.NotStarted, CreatedDateTime) };
        if (CancelledAt is { } c && c <= now && c < EndAt)
        {
            if (c >= StartAt) states.Add(new State(OperationStatus.Running, StartAt));
            states.Add(new State(OperationStatus.Failed, c));
            return new View(this, OperationStatus.Failed, states, c, Cancelled);
        }
        if (now >= StartAt) states.Add(new State(OperationStatus.Running, StartAt));
        if (now >= EndAt)
        {
            var final = Failure == null ? OperationStatus.Completed : OperationStatus.Failed;
            states.Add(new State(final, EndAt));
            return new View(this, final, states, EndAt, Failure);
        }
        return new View(this, states[^1].Status, states, null, null);
    }

    public SecurityAction WithCancellation(DateTimeOffset at) => new()
    {
        Id = Id, Name = Name, ActionReason = ActionReason, AppId = AppId, AzureTenantId = AzureTenantId, ClientContext = ClientContext,
        CreatedDateTime = CreatedDateTime, Parameters = Parameters, VendorInformation = VendorInformation,
        StartAt = StartAt, EndAt = EndAt, Failure = Failure, CancelledAt = at,
    };
}

/// <summary>microsoft.graph.operationStatus: PascalCase in the schema, and that is what the emulator returns.</summary>
public static class OperationStatus
{
    public const string NotStarted = "NotStarted";
    public const string Running = "Running";
    public const string Completed = "Completed";
    public const string Failed = "Failed";

    public static readonly EnumDef Enum = new("operationStatus", NotStarted, Running, Completed, Failed) { Namespace = "microsoft.graph" };
}

/// <summary>The properties of microsoft.graph.securityAction (CSDL order), $filter support and the JSON writer.</summary>
public static class SecurityActionSchema
{
    public const string TypeName = "microsoft.graph.securityAction";

    public static readonly string[] PropertyNames =
    {
        "actionReason", "appId", "azureTenantId", "clientContext", "completedDateTime", "createdDateTime", "errorInfo", "id",
        "lastActionDateTime", "name", "parameters", "states", "status", "user", "vendorInformation",
    };

    /// <summary>Query binding for the list ($filter on status and name); the JSON writer is <see cref="Write"/>.</summary>
    public static readonly EntitySchema Entity = new(TypeName, "securityActions", new[]
        {
            P.E("status", OperationStatus.Enum, v => v.Status, filterable: true),
            P.S("name", v => v.Action.Name, filterable: true),
        }.Concat(PropertyNames.Where(n => n is not ("status" or "name")).Select(n => P.J(n, _ => null))).ToList());

    public static readonly QueryRules Rules = new(Entity, QueryOptions.AlertsMaxTop) { AllowOrderBy = false, AllowSelect = false };

    private static void Date(Utf8JsonWriter w, string name, DateTimeOffset? d)
    {
        if (d == null) w.WriteNull(name); else w.WriteString(name, AlertSchema.FormatDate(d.Value));
    }

    public static void Write(Utf8JsonWriter w, SecurityAction.View v, string odataContext = null)
    {
        var a = v.Action;
        w.WriteStartObject();
        if (odataContext != null) w.WriteString("@odata.context", odataContext);
        w.WriteString("actionReason", a.ActionReason);
        w.WriteString("appId", a.AppId);
        w.WriteString("azureTenantId", a.AzureTenantId);
        w.WriteString("clientContext", a.ClientContext);
        Date(w, "completedDateTime", v.CompletedDateTime);
        Date(w, "createdDateTime", a.CreatedDateTime);
        if (v.ErrorInfo == null) w.WriteNull("errorInfo");
        else
        {
            w.WriteStartObject("errorInfo");
            w.WriteNumber("code", v.ErrorInfo.Code);
            w.WriteString("message", v.ErrorInfo.Message);
            w.WriteNumber("subcode", v.ErrorInfo.Subcode);
            w.WriteEndObject();
        }
        w.WriteString("id", a.Id);
        Date(w, "lastActionDateTime", v.States[^1].UpdatedDateTime);
        w.WriteString("name", a.Name);
        w.WriteStartArray("parameters");
        foreach (var (name, value) in a.Parameters)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("value", value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("states");
        foreach (var s in v.States)
        {
            w.WriteStartObject();
            w.WriteString("appId", a.AppId);
            w.WriteString("status", s.Status);
            Date(w, "updatedDateTime", s.UpdatedDateTime);
            w.WriteNull("user"); // app-only callers have no user principal name
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("status", v.Status);
        w.WriteNull("user");
        w.WritePropertyName("vendorInformation");
        a.VendorInformation.WriteTo(w);
        w.WriteEndObject();
    }
}
