using System;
using GraphSecurity.Engine.Alerts;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class AlertQueryTests
{
    [Fact]
    public void No_filters_give_the_bare_collection_path()
    {
        Assert.Equal("", new AlertQuery().BuildFilter());
        Assert.Equal("security/alerts_v2", new AlertQuery().ToCollectionQuery().BuildPathAndQuery());
    }

    [Fact]
    public void One_value_is_a_plain_comparison_in_the_service_spelling()
    {
        var query = new AlertQuery { Severity = { AlertSeverity.High }, Status = { AlertStatus.InProgress } };
        Assert.Equal("severity eq 'high' and status eq 'inProgress'", query.BuildFilter());
    }

    [Fact]
    public void Several_values_of_one_filter_are_or_ed_in_parentheses()
    {
        var query = new AlertQuery { Severity = { AlertSeverity.High, AlertSeverity.Medium }, ServiceSource = { ServiceSource.MicrosoftDefenderForEndpoint } };
        Assert.Equal("(severity eq 'high' or severity eq 'medium') and serviceSource eq 'microsoftDefenderForEndpoint'", query.BuildFilter());
    }

    [Fact]
    public void Strings_are_quoted_with_inner_quotes_doubled_and_empty_means_null()
    {
        var query = new AlertQuery { AssignedTo = { "o'brien@contoso.example", "" } };
        Assert.Equal("(assignedTo eq 'o''brien@contoso.example' or assignedTo eq null)", query.BuildFilter());
    }

    [Fact]
    public void Since_and_until_become_utc_bounds_on_createdDateTime()
    {
        var query = new AlertQuery
        {
            Since = new DateTimeOffset(2026, 11, 19, 10, 0, 0, TimeSpan.FromHours(2)),
            Until = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero),
        };
        Assert.Equal("createdDateTime ge 2026-11-19T08:00:00.0000000Z and createdDateTime lt 2026-11-20T00:00:00.0000000Z", query.BuildFilter());
    }

    [Fact]
    public void A_raw_filter_is_parenthesised_so_its_or_cannot_widen_the_typed_filters()
    {
        var query = new AlertQuery { Severity = { AlertSeverity.High } }.ToCollectionQuery();
        query.RawFilter = "status eq 'new' or status eq 'inProgress'";
        Assert.Equal("(status eq 'new' or status eq 'inProgress') and severity eq 'high'", query.BuildFilter());
    }

    [Fact]
    public void The_query_string_is_percent_encoded_and_carries_paging_options()
    {
        var query = new AlertQuery { Classification = { AlertClassification.TruePositive } }.ToCollectionQuery();
        query.PageSize = 50;
        query.Skip = 100;
        query.IncludeCount = true;
        Assert.Equal("security/alerts_v2?$filter=classification%20eq%20%27truePositive%27&$top=50&$skip=100&$count=true", query.BuildPathAndQuery());
    }
}
