using System.Text.Json;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Hosting;

/// <summary>
/// The discovery file clients read to find a running emulator (URL, TLS thumbprint, tenants, apps).
/// It never contains secrets or keys.
/// </summary>
public static class InfoFile
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public sealed record AppInfo(string ClientId, string DisplayName, IReadOnlyList<string> Roles);
    public sealed record TenantInfo(string Id, string Domain, string DisplayName, IReadOnlyList<AppInfo> Apps);
    public sealed record Info(string Url, int Port, string Thumbprint, int Pid, string StartedAt, int Seed, int AlertCount, IReadOnlyList<TenantInfo> Tenants);

    public static Info Describe(string url, int port, string thumbprint, EmulatorOptions options, DateTimeOffset startedAt) =>
        new(url, port, thumbprint, Environment.ProcessId, startedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'"), options.Seed, options.AlertCount,
            options.Directory.Tenants.Select(t => new TenantInfo(t.Id, t.Domain, t.DisplayName,
                t.Apps.Select(a => new AppInfo(a.ClientId, a.DisplayName, a.Roles.ToList())).ToList())).ToList());

    /// <summary>Writes atomically: a temporary file in the same folder, then a rename over the target.</summary>
    public static void Write(string path, Info info)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(info, Json));
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Deletes the file if it still describes this process.</summary>
    public static void DeleteIfOurs(string path)
    {
        try
        {
            if (!File.Exists(path)) return;
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.TryGetProperty("pid", out var pid) && pid.GetInt32() == Environment.ProcessId)
                File.Delete(path);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Best effort: a file we cannot read or delete is left to the next emulator to overwrite.
        }
    }
}
