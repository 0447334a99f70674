using System;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.ThreatIntelligence;

namespace GraphSecurity.Commands.ThreatIntelligence;

/// <summary>
/// Base of the threat-intelligence cmdlets: the service's 403 for a tenant without the Defender TI
/// licence becomes its own error, saying what licence is missing rather than which permission.
/// </summary>
public abstract class GsThreatIntelligenceCmdlet : GsConnectedCmdlet
{
    internal const string Api = "threatIntelligence";
    internal const string Permission = "ThreatIntelligence.Read.All";

    protected override ErrorRecord CreateErrorRecord(Exception exception, object target, GraphConnection connection)
    {
        if (!(exception is ServiceErrorException graph) || !ThreatIntelligenceService.IsLicenceError(graph))
            return base.CreateErrorRecord(exception, target, connection);
        var tenant = connection == null ? "" : $" (connection '{connection.Name}', tenant {connection.TenantId})";
        return ErrorRecords.Create(exception, ErrorIds.ThreatIntelligenceNotLicensed, ErrorCategory.PermissionDenied, target,
            $"The tenant is not licensed for Microsoft Defender Threat Intelligence{tenant}: {graph.ServiceMessage}",
            "Threat intelligence through Graph needs a Microsoft Defender XDR or Microsoft Sentinel licence in the tenant (older tenants: the Defender TI licence with its API add-on). Ask the tenant's licence administrator, or use a connection to a licensed tenant.");
    }
}
