using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Defender.Machines;

/// <summary>
/// One <c>POST /api/machines/{id}/&lt;verb&gt;</c> (successor-apis.md §2.1): the path segment, the permission, the
/// resulting type, and the body option that becomes the action's scope (with its allowed values, the first
/// being the default).
/// </summary>
public sealed record MachineActionVerb(string Segment, string Type, Permission Permission, string ScopeKey = null, params string[] Scopes)
{
    private static Permission Defender(string role) => new(ApiResources.DefenderForEndpoint, role);

    public static readonly MachineActionVerb[] All =
    {
        new("isolate", MachineActionType.Isolate, Defender("Machine.Isolate"), "IsolationType", "Full", "Selective", "UnManagedDevice"),
        new("unisolate", MachineActionType.Unisolate, Defender("Machine.Isolate")),
        new("restrictCodeExecution", MachineActionType.RestrictCodeExecution, Defender("Machine.RestrictExecution")),
        new("unrestrictCodeExecution", MachineActionType.UnrestrictCodeExecution, Defender("Machine.RestrictExecution")),
        new("runAntiVirusScan", MachineActionType.RunAntiVirusScan, Defender("Machine.Scan"), "ScanType", "Quick", "Full"),
        new("collectInvestigationPackage", MachineActionType.CollectInvestigationPackage, Defender("Machine.CollectForensics")),
        new("offboard", MachineActionType.Offboard, Defender("Machine.Offboard")),
        new("StopAndQuarantineFile", MachineActionType.StopAndQuarantineFile, Defender("Machine.StopAndQuarantine")),
        new("runliveresponse", MachineActionType.LiveResponse, Defender("Machine.LiveResponse")),
    };

    /// <summary>Cancel takes any of the action permissions (§2.6).</summary>
    public static readonly Permission Cancel = Defender(string.Join(",", All.Select(v => v.Permission.Accepted).Distinct()));

    /// <summary>
    /// The request the body asks for: Comment is required; the scope option must be one of its values; Sha1 (40 hex
    /// digits) for StopAndQuarantineFile, Commands for live response. 400 InvalidRequestBody otherwise.
    /// </summary>
    public MachineActionRequest Parse(JsonNode body, Machine machine, string requestor, LiveResponseLibrary library, string tenantId)
    {
        if (body is not JsonObject o) throw Invalid("The request body must be a JSON object.");
        var comment = Text(o, "Comment");
        if (string.IsNullOrWhiteSpace(comment)) throw Invalid("Comment is required.");
        string scope = null;
        if (ScopeKey != null)
        {
            var given = Text(o, ScopeKey);
            scope = given == null ? Scopes[0]
                : Scopes.FirstOrDefault(s => string.Equals(s, given, StringComparison.OrdinalIgnoreCase))
                  ?? throw Invalid($"'{ScopeKey}' must be one of {string.Join(", ", Scopes)} (got '{given}').");
        }
        string sha1 = null;
        if (Type == MachineActionType.StopAndQuarantineFile)
        {
            sha1 = Text(o, "Sha1");
            if (sha1 == null || sha1.Length != 40 || !sha1.All(Uri.IsHexDigit)) throw Invalid("Sha1 is required: the file's SHA-1, 40 hexadecimal digits.");
            sha1 = sha1.ToLowerInvariant();
        }
        var plan = Type == MachineActionType.LiveResponse ? library.Plan(tenantId, Node(o, "Commands")) : null;
        return new MachineActionRequest(Type, scope, comment, machine, requestor, sha1, plan);
    }

    /// <summary>A body member by its documented PascalCase name; other casings are taken too.</summary>
    private static JsonNode Node(JsonObject o, string name) =>
        o.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string Text(JsonObject o, string name) => Node(o, name) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var other => throw Invalid($"'{name}' must be a string, not {other.GetValueKind()}."),
    };

    private static ApiError Invalid(string message) => new(400, "InvalidRequestBody", message);
}
