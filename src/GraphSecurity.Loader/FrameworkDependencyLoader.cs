using System;
using System.IO;
using System.Reflection;

namespace GraphSecurity.Loader;

/// <summary>
/// Windows PowerShell 5.1: .NET Framework has one load context per process, so the module can only
/// point the resolver at its Dependencies folder. An assembly another module loaded first under the
/// same name is used as it is; isolation needs PowerShell 7.
/// </summary>
internal static class FrameworkDependencyLoader
{
    public static void Start(string directory)
    {
        AppDomain.CurrentDomain.AssemblyResolve += (sender, args) =>
        {
            var path = Path.Combine(directory, new AssemblyName(args.Name).Name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        };
    }
}
