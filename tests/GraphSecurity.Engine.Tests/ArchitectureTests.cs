using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using GraphSecurity.Engine.Http;
using Xunit;

namespace GraphSecurity.Engine.Tests;

/// <summary>The engine's layering: no namespace depends on a namespace that depends back on it, and MSAL stays inside.</summary>
public class ArchitectureTests
{
    private static readonly Regex Namespace = new Regex(@"^namespace (GraphSecurity\.Engine[\w.]*)", RegexOptions.Multiline);
    private static readonly Regex Using = new Regex(@"^using (GraphSecurity\.Engine\.[\w.]+);", RegexOptions.Multiline);

    private static string EngineSourceFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder != null; folder = folder.Parent)
        {
            var engine = Path.Combine(folder.FullName, "src", "GraphSecurity.Engine");
            if (Directory.Exists(engine)) return engine;
        }
        throw new DirectoryNotFoundException("src/GraphSecurity.Engine not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Namespace → the engine namespaces its files use (by using directive or by a qualified name such as Http.RetryPolicy).</summary>
    private static Dictionary<string, HashSet<string>> NamespaceDependencies()
    {
        var root = EngineSourceFolder();
        var sources = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar) && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar))
            .Select(f => File.ReadAllText(f)).ToList();
        var namespaces = sources.Select(s => Namespace.Match(s)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().ToList();
        var children = namespaces.Where(n => n != "GraphSecurity.Engine").Select(n => n.Substring("GraphSecurity.Engine.".Length)).ToList();
        var qualified = new Regex(@"(?<![\w.])(" + string.Join("|", children.Select(Regex.Escape)) + @")\.[A-Z]\w*");
        var dependencies = namespaces.ToDictionary(n => n, n => new HashSet<string>());
        foreach (var source in sources)
        {
            var match = Namespace.Match(source);
            if (!match.Success) continue;
            var own = match.Groups[1].Value;
            var used = Using.Matches(source).Cast<Match>().Select(m => m.Groups[1].Value)
                .Concat(qualified.Matches(source).Cast<Match>().Select(m => "GraphSecurity.Engine." + m.Groups[1].Value));
            foreach (var other in used.Where(u => u != own && namespaces.Contains(u))) dependencies[own].Add(other);
        }
        return dependencies;
    }

    [Fact]
    public void Engine_namespaces_have_no_cycles()
    {
        var dependencies = NamespaceDependencies();
        Assert.Contains("GraphSecurity.Engine.Http", dependencies.Keys);
        var cycles = new List<string>();
        foreach (var start in dependencies.Keys)
        {
            // Every namespace reachable from start; reaching start again is a cycle.
            var seen = new HashSet<string>();
            var queue = new Queue<string>(dependencies[start]);
            while (queue.Count > 0)
            {
                var next = queue.Dequeue();
                if (next == start) { cycles.Add(start); break; }
                if (seen.Add(next)) foreach (var further in dependencies[next]) queue.Enqueue(further);
            }
        }
        Assert.True(cycles.Count == 0, "Namespaces on a dependency cycle: " + string.Join(", ", cycles));
    }

    [Fact]
    public void The_root_namespace_depends_on_no_feature_namespace()
    {
        Assert.Empty(NamespaceDependencies()["GraphSecurity.Engine"]);
    }

    [Fact]
    public void No_public_engine_type_shows_an_MSAL_type()
    {
        var msal = typeof(Microsoft.Identity.Client.IConfidentialClientApplication).Assembly;
        var leaks = new List<string>();
        foreach (var type in typeof(ApiClient).Assembly.GetExportedTypes())
        {
            var shown = new List<(string Where, Type Type)>();
            if (type.BaseType != null) shown.Add(("base", type.BaseType));
            shown.AddRange(type.GetInterfaces().Select(i => ("interface", i)));
            const BindingFlags visible = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var method in type.GetMethods(visible).Cast<MethodBase>().Concat(type.GetConstructors(visible)))
            {
                if (method is MethodInfo info) shown.Add((method.Name, info.ReturnType));
                shown.AddRange(method.GetParameters().Select(p => (method.Name + "(" + p.Name + ")", p.ParameterType)));
            }
            shown.AddRange(type.GetProperties(visible).Select(p => (p.Name, p.PropertyType)));
            shown.AddRange(type.GetFields(visible).Select(f => (f.Name, f.FieldType)));
            foreach (var (where, shownType) in shown)
                if (Involves(shownType, msal)) leaks.Add($"{type.Name}.{where}: {shownType.Name}");
        }
        Assert.True(leaks.Count == 0, "Public engine members with MSAL types: " + string.Join("; ", leaks));
    }

    private static bool Involves(Type type, Assembly assembly) =>
        type.Assembly == assembly ||
        (type.HasElementType && Involves(type.GetElementType(), assembly)) ||
        (type.IsGenericType && type.GetGenericArguments().Any(a => Involves(a, assembly)));
}
