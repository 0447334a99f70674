using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        EmulatorOptions options;
        try
        {
            options = EmulatorOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or IOException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine("GraphSecurity emulator: " + e.Message);
            Console.Error.WriteLine("Usage: GraphSecurity.Emulator [--port N] [--info-file PATH] [--config PATH] [--seed N] [--alert-count N] [--days N] [--now ISO8601]");
            return 2;
        }

        using var certificate = TlsCertificate.Create();
        await using var app = EmulatorApp.Build(options, certificate);
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"GraphSecurity emulator: cannot listen on 127.0.0.1:{options.Port}: {e.Message}");
            return 1;
        }
        var (url, port) = EmulatorApp.BoundAddress(app);
        InfoFile.Write(options.InfoFile, InfoFile.Describe(url, port, certificate.Thumbprint, options, DateTimeOffset.UtcNow));
        app.Lifetime.ApplicationStopping.Register(() => InfoFile.DeleteIfOurs(options.InfoFile));
        Console.WriteLine($"GraphSecurity emulator listening on {url}");
        await app.WaitForShutdownAsync();
        InfoFile.DeleteIfOurs(options.InfoFile);
        return 0;
    }
}
