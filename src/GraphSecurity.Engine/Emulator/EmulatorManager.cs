using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Authentication;
using GraphSecurity.Engine.Json;

namespace GraphSecurity.Engine.Emulator;

/// <summary>Options for starting a local emulator process.</summary>
public sealed class EmulatorStartOptions
{
    public int Port { get; set; }
    public int? Seed { get; set; }
    public int? AlertCount { get; set; }
    public string? ConfigPath { get; set; }
    /// <summary>Null: <see cref="EmulatorManager.DefaultInfoPath"/>.</summary>
    public string? InfoPath { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>Starts, finds and stops the local emulator (a separate .NET process on loopback).</summary>
public static class EmulatorManager
{
    public static string DefaultInfoPath
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(EmulatorDefaults.InfoPathVariable);
            if (!Strings.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(home, ".graphsecurity", "emulator.json");
        }
    }

    /// <summary>The running emulator described by the info file, or null when there is none (missing file, or its process is gone).</summary>
    public static EmulatorInfo? Find(string? infoPath = null)
    {
        infoPath = infoPath ?? DefaultInfoPath;
        if (!File.Exists(infoPath)) return null;
        EmulatorInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<EmulatorInfo>(File.ReadAllText(infoPath), GraphJson.Options);
        }
        catch (Exception ex) when (ex is JsonException || ex is IOException)
        {
            return null;
        }
        if (info == null || info.Url == null || !IsAlive(info.Pid)) return null;
        info.InfoPath = infoPath;
        return info;
    }

    public static async Task<EmulatorInfo> StartAsync(EmulatorStartOptions options, IEngineLog log, CancellationToken cancellationToken)
    {
        var infoPath = Path.GetFullPath(options.InfoPath ?? DefaultInfoPath);
        Directory.CreateDirectory(Path.GetDirectoryName(infoPath));
        var startInfo = CreateStartInfo(options, infoPath);
        log.Verbose($"Starting the emulator: {startInfo.FileName} {startInfo.Arguments}");

        var output = new StringBuilder();
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (s, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (s, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + options.Timeout;
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                string text;
                lock (output) text = output.ToString().Trim();
                throw new InvalidOperationException($"The emulator exited with code {process.ExitCode} before it was ready. {text}");
            }
            var info = Find(infoPath);
            if (info != null && info.Pid == process.Id && await IsHealthyAsync(info, cancellationToken).ConfigureAwait(false))
            {
                log.Verbose($"Emulator {info.Url} is ready (pid {info.Pid}).");
                return info;
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        try { process.Kill(); } catch (InvalidOperationException) { }
        throw new TimeoutException($"The emulator did not become ready within {options.Timeout.TotalSeconds:0} s.");
    }

    /// <summary>
    /// Asks the emulator to shut down (POST /_emulator/shutdown) and waits for its process to end;
    /// kills the process only if it does not answer or does not end within 10 seconds.
    /// </summary>
    public static bool Stop(EmulatorInfo info)
    {
        var stopped = false;
        try
        {
            using (var process = Process.GetProcessById(info.Pid))
            {
                if (!RequestShutdown(info) || !process.WaitForExit(10000))
                {
                    process.Kill();
                    process.WaitForExit(10000);
                }
                stopped = true;
            }
        }
        catch (ArgumentException) { }
        catch (InvalidOperationException) { }
        if (info.InfoPath != null && File.Exists(info.InfoPath)) File.Delete(info.InfoPath);
        return stopped;
    }

    /// <summary>A client for the emulator's control API: its certificate pinned, a short time-out.</summary>
    private static HttpClient ControlClient(EmulatorInfo info) =>
        new HttpClient(new TransportFactory(info.Thumbprint).CreateHandler()) { Timeout = TimeSpan.FromSeconds(5) };

    private static bool RequestShutdown(EmulatorInfo info)
    {
        try
        {
            using (var client = ControlClient(info))
            using (var response = client.PostAsync(new Uri(info.Url, "/_emulator/shutdown"), new StringContent("")).GetAwaiter().GetResult())
                return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException) { return false; }
        catch (TaskCanceledException) { return false; }
    }

    public static async Task<bool> IsHealthyAsync(EmulatorInfo info, CancellationToken cancellationToken)
    {
        try
        {
            using (var client = ControlClient(info))
            using (var response = await client.GetAsync(new Uri(info.Url, "/_emulator/health"), cancellationToken).ConfigureAwait(false))
                return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException) { return false; }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested) { return false; }
    }

    private static ProcessStartInfo CreateStartInfo(EmulatorStartOptions options, string infoPath)
    {
        var emulatorDll = LocateEmulator();
        var arguments = new List<string> { Quote(emulatorDll), "--port", options.Port.ToString(CultureInfo.InvariantCulture), "--info-file", Quote(infoPath) };
        if (options.Seed.HasValue) arguments.AddRange(new[] { "--seed", options.Seed.Value.ToString(CultureInfo.InvariantCulture) });
        if (options.AlertCount.HasValue) arguments.AddRange(new[] { "--alert-count", options.AlertCount.Value.ToString(CultureInfo.InvariantCulture) });
        if (!Strings.IsNullOrEmpty(options.ConfigPath)) arguments.AddRange(new[] { "--config", Quote(Path.GetFullPath(options.ConfigPath)) });
        return new ProcessStartInfo(DotnetHost(), string.Join(" ", arguments))
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(emulatorDll),
        };
    }

    /// <summary>The emulator ships in the module folder's Emulator/ subfolder; GRAPHSECURITY_EMULATOR_PATH overrides it.</summary>
    private static string LocateEmulator()
    {
        var configured = Environment.GetEnvironmentVariable(EmulatorDefaults.ExecutableVariable);
        var candidates = new List<string>();
        if (!Strings.IsNullOrEmpty(configured)) candidates.Add(configured);
        // The engine sits in the module's Dependencies/ folder; in a build tree the emulator may be beside it.
        var engineFolder = Path.GetDirectoryName(typeof(EmulatorManager).Assembly.Location);
        var moduleFolder = string.Equals(Path.GetFileName(engineFolder), "Dependencies", StringComparison.OrdinalIgnoreCase)
            ? Path.GetDirectoryName(engineFolder)
            : engineFolder;
        candidates.Add(Path.Combine(moduleFolder, "Emulator", "GraphSecurity.Emulator.dll"));
        var found = candidates.FirstOrDefault(File.Exists);
        if (found == null)
            throw new FileNotFoundException($"The emulator was not found (looked for {string.Join(", ", candidates)}). Build the module with './build.ps1 build', or set {EmulatorDefaults.ExecutableVariable}.");
        return Path.GetFullPath(found);
    }

    /// <summary>The dotnet host that runs the emulator (it needs the .NET 10 runtime with ASP.NET Core).</summary>
    private static string DotnetHost()
    {
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!Strings.IsNullOrEmpty(hostPath) && File.Exists(hostPath)) return hostPath;
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        var executable = Path.DirectorySeparatorChar == '\\' ? "dotnet.exe" : "dotnet";
        if (!Strings.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, executable))) return Path.Combine(root, executable);
        return executable;
    }

    private static string Quote(string value) => value.Contains(" ") ? "\"" + value + "\"" : value;

    private static bool IsAlive(int pid)
    {
        try
        {
            using (var process = Process.GetProcessById(pid)) return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
