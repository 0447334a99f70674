using System.Text.Json;
using SentryFirewall;

SentryOptions options;
try
{
    options = SentryOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("SentryFirewall: " + e.Message);
    Console.Error.WriteLine(SentryOptions.Usage);
    return 2;
}

await using var app = SentryApp.Build(options);
try
{
    await app.StartAsync();
}
catch (IOException e)
{
    Console.Error.WriteLine($"SentryFirewall: cannot listen on {options.Urls}: {e.Message}");
    return 1;
}

var url = SentryApp.BaseUrl(app);
if (options.InfoFile != null) InfoFile.Write(options.InfoFile, url);
Console.WriteLine($"Northwind Sentry Firewall (gsprov/1) listening on {url}" + (options.Breaks.Count > 0 ? $" [broken: {string.Join(", ", options.Breaks)}]" : ""));
await app.WaitForShutdownAsync();
if (options.InfoFile != null) InfoFile.DeleteIfOurs(options.InfoFile);
return 0;

/// <summary>The file a test or script reads to find the running provider: <c>{"url","pid"}</c>.</summary>
internal static class InfoFile
{
    public static void Write(string path, string url)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // Written beside the target, then renamed over it, so a reader never sees half a file.
        var temp = full + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new { url, pid = Environment.ProcessId }));
        File.Move(temp, full, overwrite: true);
    }

    public static void DeleteIfOurs(string path)
    {
        try
        {
            if (!File.Exists(path)) return;
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.TryGetProperty("pid", out var pid) && pid.GetInt32() == Environment.ProcessId) File.Delete(path);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Best effort: a file that cannot be read or deleted is left for the next start to overwrite.
        }
    }
}
