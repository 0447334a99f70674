using System;
using GraphSecurity.Engine.Incidents;
using GraphSecurity.Engine.SecureScore;
using GraphSecurity.Engine.SecurityActions;
using GraphSecurity.Engine.TiIndicators;
using Xunit;

namespace GraphSecurity.Engine.Tests;

/// <summary>The engine query objects of the collections besides alerts: typed filters in, OData out.</summary>
public class CollectionQueryObjectTests
{
    private static readonly DateTimeOffset Noon = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.FromHours(1));

    [Fact]
    public void Incident_filters_and_their_update_window()
    {
        var query = new IncidentQuery
        {
            Severity = { AlertSeverity.High },
            Status = { IncidentStatus.Active, IncidentStatus.InProgress },
            Determination = { AlertDetermination.MultiStagedAttack },
            AssignedTo = { "" },
            UpdatedSince = Noon,
        }.ToCollectionQuery();
        Assert.Equal("security/incidents", query.Path);
        Assert.Equal("severity eq 'high' and (status eq 'active' or status eq 'inProgress') and determination eq 'multiStagedAttack' and assignedTo eq null" +
                     " and lastUpdateDateTime ge 2026-11-20T11:00:00.0000000Z", query.BuildFilter());
        Assert.Null(query.Expand);
    }

    [Fact]
    public void Incidents_with_their_alerts_expand_the_alerts_navigation()
    {
        Assert.Equal(IncidentService.AlertsNavigation, new IncidentQuery { ExpandAlerts = true }.ToCollectionQuery().Expand);
    }

    [Fact]
    public void Ti_indicator_filters_send_threat_types_as_named_and_products_spelled_out()
    {
        var query = new TiIndicatorQuery
        {
            ExternalId = { "feed-1" },
            ThreatType = { TiThreatType.Botnet },
            TargetProduct = { TiTargetProduct.MicrosoftDefenderAtp },
            ActiveOnly = true,
            ExpiringBefore = Noon,
        }.ToCollectionQuery();
        Assert.Equal("externalId eq 'feed-1' and threatType eq 'Botnet' and targetProduct eq 'Microsoft Defender ATP'" +
                     " and expirationDateTime lt 2026-11-20T11:00:00.0000000Z and isActive eq true", query.BuildFilter());
    }

    [Fact]
    public void Security_action_status_members_are_sent_as_named()
    {
        var query = new SecurityActionQuery { Name = { "block" }, Status = { OperationStatus.NotStarted, OperationStatus.Running } }.ToCollectionQuery();
        Assert.Equal("name eq 'block' and (status eq 'NotStarted' or status eq 'Running')", query.BuildFilter());
    }

    [Fact]
    public void Control_profiles_filter_deprecation_only_when_asked()
    {
        Assert.Equal("controlCategory eq 'Identity' and tier eq 'Defense in Depth' and deprecated eq false",
            new ControlProfileQuery { Category = { "Identity" }, Tier = { "Defense in Depth" }, Deprecated = false }.ToCollectionQuery().BuildFilter());
        Assert.Equal("service eq 'O''Brien Cloud'", new ControlProfileQuery { Service = { "O'Brien Cloud" } }.ToCollectionQuery().BuildFilter());
    }
}
