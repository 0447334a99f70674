using System;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;

namespace GraphSecurity.Loader;

/// <summary>
/// Runs when Import-Module loads the cmdlet assembly, before any cmdlet: makes the engine and every
/// third-party assembly (MSAL, Graph core, Kiota, Azure.Core…) load from the module's Dependencies
/// folder. On PowerShell 7 they load into a private load context, so another module's MSAL or
/// Azure.Core, older or newer, never meets ours. Only this assembly and GraphSecurity.Models (the
/// output types) live in the default context; the engine's public surface uses nothing else that is
/// not the platform's own.
/// </summary>
public sealed class ModuleLoader : IModuleAssemblyInitializer
{
    /// <summary>The folder beside this assembly that holds the engine and its dependencies.</summary>
    public const string DependenciesFolder = "Dependencies";

    private static readonly object Gate = new object();
    private static bool _started;

    public void OnImport()
    {
        lock (Gate)
        {
            if (_started) return;
            _started = true;
        }
        var directory = Path.Combine(Path.GetDirectoryName(typeof(ModuleLoader).Assembly.Location), DependenciesFolder);
        // Kept in separate classes so that Windows PowerShell never compiles a method that names
        // AssemblyLoadContext, which .NET Framework does not have.
        if (IsDotNetCore) CoreDependencyLoader.Start(directory);
        else FrameworkDependencyLoader.Start(directory);
    }

    private static bool IsDotNetCore =>
        !RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);
}
