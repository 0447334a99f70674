using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace GraphSecurity.Loader;

/// <summary>
/// PowerShell 7: the engine is not beside the cmdlet assembly, so the default context cannot find it
/// and asks <see cref="AssemblyLoadContext.Resolving"/>; the answer is the engine loaded into
/// <see cref="DependencyLoadContext"/>, which then loads the engine's own references.
/// </summary>
internal static class CoreDependencyLoader
{
    /// <summary>The one assembly the cmdlets reference that lives in the private context.</summary>
    private const string EngineName = "GraphSecurity.Engine";

    private static DependencyLoadContext _context;

    public static void Start(string directory)
    {
        _context = new DependencyLoadContext(directory);
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            string.Equals(name.Name, EngineName, StringComparison.OrdinalIgnoreCase) ? _context.LoadFromAssemblyName(name) : null;
    }
}

/// <summary>
/// The private context of the engine and its dependencies. An assembly the platform itself ships at
/// the same version or newer (System.Text.Json, System.Memory…) is taken from the host instead, so
/// the types the engine hands to the cmdlets are the host's; anything else found in the Dependencies
/// folder is loaded from there, privately; the rest (GraphSecurity.Models, framework assemblies) is
/// left to the default context.
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private readonly string _directory;
    private readonly Dictionary<string, string> _platformAssemblies;

    public DependencyLoadContext(string directory)
    {
        _directory = directory;
        _platformAssemblies = PlatformAssemblies();
    }

    protected override Assembly Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(_directory, assemblyName.Name + ".dll");
        if (!File.Exists(path) || PlatformHas(assemblyName)) return null;
        return LoadFromAssemblyPath(path);
    }

    private bool PlatformHas(AssemblyName wanted)
    {
        if (!_platformAssemblies.TryGetValue(wanted.Name, out var path)) return false;
        try
        {
            var shipped = AssemblyName.GetAssemblyName(path).Version;
            return wanted.Version == null || shipped >= wanted.Version;
        }
        catch (Exception e) when (e is IOException || e is BadImageFormatException || e is UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The host's own assemblies (the runtime's and PowerShell's), by simple name.</summary>
    private static Dictionary<string, string> PlatformAssemblies()
    {
        var list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        return list.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries)
            .GroupBy(Path.GetFileNameWithoutExtension, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
    }
}
