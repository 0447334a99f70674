using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Graph;
using P = GraphSecurity.Emulator.Graph.Props<GraphSecurity.Emulator.Defender.Machines.MachineView>;

namespace GraphSecurity.Emulator.Defender.Machines;

/// <summary>
/// A Defender for Endpoint machine (successor-apis.md §2.7): one device of the tenant's seed pool, so its id
/// is the <c>mdeDeviceId</c> and its name the <c>deviceDnsName</c> of the alerts' device evidence. The facts
/// the evidence does not carry (risk, exposure, MAC address…) are derived from the machine id, never from
/// the alerts' random stream, so seeding alerts stays as it was.
/// </summary>
public sealed class Machine
{
    private static readonly string[] RiskScores = { "None", "Informational", "Low", "Medium", "High" };
    private static readonly string[] ExposureLevels = { "None", "Low", "Medium", "High" };

    public Machine(SeedDevice device, DateTimeOffset seededAt)
    {
        Device = device;
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("machine:" + device.MdeId));
        RiskScore = RiskScores[bytes[0] % RiskScores.Length];
        ExposureLevel = ExposureLevels[bytes[1] % ExposureLevels.Length];
        LastSeen = seededAt.AddMinutes(-(bytes[2] % 180));
        LastExternalIpAddress = $"203.0.113.{1 + bytes[3] % 250}";
        MacAddress = "00155D" + Convert.ToHexString(bytes, 4, 3);
    }

    public SeedDevice Device { get; }
    public string Id => Device.MdeId;
    public string ComputerDnsName => Device.Dns;
    public string RiskScore { get; }
    public string ExposureLevel { get; }
    public DateTimeOffset LastSeen { get; }
    public string LastExternalIpAddress { get; }
    public string MacAddress { get; }
    public int RbacGroupId => Device.Server ? 2 : 1;
    public string RbacGroupName => Device.Server ? "Servers" : "Workstations";

    /// <summary>True for the id, the full DNS name, or the host name before the first dot (case-insensitive).</summary>
    public bool IsNamed(string idOrName) =>
        string.Equals(Id, idOrName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(Device.Dns, idOrName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(Device.HostName, idOrName, StringComparison.OrdinalIgnoreCase);
}

/// <summary>What the response actions have done to a machine so far (<see cref="MachineActionLog.StateOf"/>).</summary>
public sealed record MachineState(string Isolation, bool CodeExecutionRestricted, bool Offboarded, string LastScan)
{
    public static readonly MachineState Initial = new(null, false, false, null);
}

/// <summary>A machine with its state at the time of the request: what the API writes and filters.</summary>
public sealed record MachineView(Machine Machine, MachineState State);

/// <summary>The machine's properties as the API writes them, and the ones $filter takes (contract: eq, startswith on the name, and/or).</summary>
public static class MachineSchema
{
    public static readonly EntitySchema Entity = new("Machine", "Machines", new[]
    {
        P.S("id", v => v.Machine.Id, filterable: true),
        P.S("computerDnsName", v => v.Machine.ComputerDnsName, filterable: true),
        P.D("firstSeen", v => v.Machine.Device.FirstSeen),
        P.D("lastSeen", v => v.Machine.LastSeen),
        P.S("osPlatform", v => v.Machine.Device.OsPlatform, filterable: true),
        P.S("version", v => v.Machine.Device.Version),
        P.I("osBuild", v => (int)v.Machine.Device.OsBuild),
        P.S("osArchitecture", _ => "64-bit"),
        P.S("lastIpAddress", v => v.Machine.Device.Ip, filterable: true),
        P.S("lastExternalIpAddress", v => v.Machine.LastExternalIpAddress),
        P.S("healthStatus", v => v.State.Offboarded ? "Inactive" : "Active", filterable: true),
        P.S("onboardingStatus", _ => "onboarded"),
        P.S("riskScore", v => v.Machine.RiskScore, filterable: true),
        P.S("exposureLevel", v => v.Machine.ExposureLevel, filterable: true),
        P.S("deviceValue", _ => "Normal"),
        P.S("rbacGroupName", v => v.Machine.RbacGroupName),
        P.I("rbacGroupId", v => v.Machine.RbacGroupId, filterable: true),
        P.S("aadDeviceId", v => v.Machine.Device.AadDeviceId, filterable: true),
        P.B("isAadJoined", _ => true),
        P.C("machineTags", _ => new List<string>()),
        P.J("ipAddresses", v => new JsonArray(new JsonObject
        {
            ["ipAddress"] = v.Machine.Device.Ip,
            ["macAddress"] = v.Machine.MacAddress,
            ["operationalStatus"] = "Up",
        })),
    })
    { WriteODataType = false, AllowStartsWith = true };
}

/// <summary>Every tenant's machines, built once from its seed pool.</summary>
public sealed class MachineDirectory
{
    private readonly Dictionary<string, IReadOnlyList<Machine>> _byTenant = new(StringComparer.OrdinalIgnoreCase);

    public MachineDirectory(SeedPools pools, IEnumerable<string> tenantIds, DateTimeOffset seededAt)
    {
        foreach (var tenantId in tenantIds)
            _byTenant[tenantId] = pools.For(tenantId).Devices.Select(d => new Machine(d, seededAt)).ToList();
    }

    public IReadOnlyList<Machine> Of(string tenantId) => _byTenant.TryGetValue(tenantId, out var machines) ? machines : Array.Empty<Machine>();

    /// <summary>By id or computer name; null when the tenant has none by that id or name.</summary>
    public Machine Find(string tenantId, string idOrName) => Of(tenantId).FirstOrDefault(m => m.IsNamed(idOrName));

    /// <summary>By id only (the action routes take no names).</summary>
    public Machine FindById(string tenantId, string id) =>
        Of(tenantId).FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase));
}
