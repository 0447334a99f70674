using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using GraphSecurity.Commands.Base;

namespace GraphSecurity.Commands.Tests;

/// <summary>
/// A runspace of the PowerShell SDK with the test cmdlets of this assembly and, on request, the
/// module's own cmdlets, for the parts of the cmdlet layer that only work inside a pipeline.
/// One instance serves one test class (xunit runs a class's tests one at a time).
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellSession() : this(withModule: false) { }

    private PowerShellSession(bool withModule)
    {
        var state = InitialSessionState.CreateDefault2();
        foreach (var type in typeof(PowerShellSession).Assembly.GetTypes().Where(t => t.GetCustomAttribute<CmdletAttribute>() != null))
        {
            var cmdlet = type.GetCustomAttribute<CmdletAttribute>();
            state.Commands.Add(new SessionStateCmdletEntry($"{cmdlet.VerbName}-{cmdlet.NounName}", type, null));
        }
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        if (withModule) Invoke("param($Assembly) Import-Module -Assembly $Assembly", new Hashtable { ["Assembly"] = typeof(GsCmdlet).Assembly });
    }

    /// <summary>A session that has also imported the module's cmdlets (from the assembly, without the manifest).</summary>
    public static PowerShellSession WithModule() => new PowerShellSession(withModule: true);

    public Runspace Runspace => _runspace;

    /// <summary>Runs a script (its param block gets <paramref name="parameters"/>) and returns what each stream received.</summary>
    public Outcome Invoke(string script, IDictionary parameters = null)
    {
        using (var shell = PowerShell.Create())
        {
            shell.Runspace = _runspace;
            shell.AddScript(script);
            if (parameters != null) shell.AddParameters(parameters);
            try
            {
                var output = shell.Invoke();
                return new Outcome(output, shell.Streams, null);
            }
            catch (RuntimeException ex)
            {
                return new Outcome(new Collection<PSObject>(), shell.Streams, ex);
            }
        }
    }

    public void Dispose() => _runspace.Dispose();
}

/// <summary>What a script wrote: output, errors, verbose lines and warnings, and the exception that ended it.</summary>
public sealed class Outcome
{
    public Outcome(Collection<PSObject> output, PSDataStreams streams, RuntimeException terminating)
    {
        Output = output.Select(o => o?.BaseObject).ToList();
        Errors = streams.Error.ToList();
        Verbose = streams.Verbose.Select(v => v.Message).ToList();
        Warnings = streams.Warning.Select(w => w.Message).ToList();
        Terminating = terminating;
    }

    public IReadOnlyList<object> Output { get; }
    public IReadOnlyList<ErrorRecord> Errors { get; }
    public IReadOnlyList<string> Verbose { get; }
    public IReadOnlyList<string> Warnings { get; }
    public RuntimeException Terminating { get; }

    public IReadOnlyList<string> Strings => Output.Select(o => o?.ToString()).ToList();
}
