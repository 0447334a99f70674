using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Defender.Machines;

/// <summary>
/// Short-lived download links in the manner of a storage SAS: <c>/_blob/{path}?sig=…&amp;se=…</c>, where
/// <c>se</c> is the expiry (30 minutes on the emulator clock) and <c>sig</c> an HMAC of path and expiry under a
/// key made at start-up. The link itself is the authorization: no bearer token is needed.
/// </summary>
public sealed class BlobLinks
{
    public const string Prefix = "/_blob";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly EmulatorClock _clock;

    public BlobLinks(EmulatorClock clock) => _clock = clock;

    /// <summary>An absolute link to <paramref name="path"/> (relative to <see cref="Prefix"/>, e.g. "packages/{id}.zip").</summary>
    public string Link(HttpRequest request, string path)
    {
        var expiry = (_clock.UtcNow + Lifetime).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return $"{request.Scheme}://{request.Host}{Prefix}/{path}?sig={Uri.EscapeDataString(Sign(path, expiry))}&se={Uri.EscapeDataString(expiry)}";
    }

    /// <summary>True when the request's sig is the one of its path and its se has not passed.</summary>
    public bool IsValid(HttpRequest request, string path)
    {
        var sig = request.Query["sig"].ToString();
        var se = request.Query["se"].ToString();
        if (!DateTimeOffset.TryParse(se, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiry) || expiry <= _clock.UtcNow) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(path, se)), Encoding.ASCII.GetBytes(sig));
    }

    private string Sign(string path, string expiry) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(path.ToLowerInvariant() + "\n" + expiry)));
}

/// <summary>What the download links serve: an investigation package and live response command results.</summary>
public static class MachineActionFiles
{
    /// <summary>A real zip of a few text files, as a collected package holds (folders per kind of data and a README).</summary>
    public static byte[] InvestigationPackage(MachineAction action)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, string text)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
                writer.Write(text);
            }
            Add("README.txt", $"Investigation package of machine {action.ComputerDnsName} ({action.MachineId}).\r\nMachine action: {action.Id}\r\nCollected: {action.EndAt:O}\r\n");
            Add("Processes/processes.csv", ProcessTable(action.ComputerDnsName, csv: true));
            Add("Network connections/netstat.txt", $"Active connections on {action.ComputerDnsName}\r\n\r\n  Proto  Local Address          Foreign Address        State\r\n  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING\r\n  TCP    0.0.0.0:445            0.0.0.0:0              LISTENING\r\n  TCP    192.0.2.10:49712       198.51.100.77:443      ESTABLISHED\r\n");
            Add("System Information/systeminfo.txt", $"Host Name: {action.ComputerDnsName}\r\nMachine Id: {action.MachineId}\r\nSystem Type: x64-based PC\r\n");
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The result of a completed command: a RunScript transcript (JSON), or for GetFile and PutFile a small text file
    /// naming the path and the machine.
    /// </summary>
    public static (byte[] Content, string ContentType) LiveResponseResult(MachineAction action, LiveResponseCommand command)
    {
        if (command.Type == "RunScript")
        {
            var script = command.Param("ScriptName");
            var output = string.Equals(script, LiveResponseLibrary.ProcessList, StringComparison.OrdinalIgnoreCase)
                ? ProcessTable(action.ComputerDnsName, csv: false)
                : $"{script} ran on {action.ComputerDnsName} with arguments '{command.Param("Args") ?? ""}'.";
            var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["script_name"] = script, ["exit_code"] = 0, ["script_output"] = output, ["script_errors"] = "",
            });
            return (json, "application/json");
        }
        var path = command.Param("Path") ?? command.Param("FileName");
        return (Encoding.UTF8.GetBytes($"File {path} collected from {action.ComputerDnsName} ({action.MachineId}).\r\n"), "application/octet-stream");
    }

    private static string ProcessTable(string machine, bool csv)
    {
        var rows = new[] { ("System", 4), ("smss.exe", 388), ("csrss.exe", 612), ("lsass.exe", 748), ("svchost.exe", 1024), ("explorer.exe", 4312), ("MsSense.exe", 5120) };
        var sb = new StringBuilder(csv ? "Machine,ProcessName,Id\r\n" : $"Processes on {machine}\r\n\r\nProcessName      Id\r\n");
        foreach (var (name, id) in rows)
            sb.Append(csv ? $"{machine},{name},{id}\r\n" : $"{name,-16} {id}\r\n");
        return sb.ToString();
    }
}
