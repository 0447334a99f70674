using System.Collections.Generic;
using GraphSecurity.Engine.Alerts;
using Xunit;

namespace GraphSecurity.Engine.Tests;

public class EvidenceCriteriaTests
{
    private static Alert With(params AlertEvidence[] evidence) => new Alert { Id = "a", Evidence = new ValueList<AlertEvidence>(evidence) };

    [Fact]
    public void A_upn_becomes_one_lambda_over_the_account_bearing_evidence_types()
    {
        var query = new AlertQuery { Evidence = { Users = { "o'brien@contoso.example" } } };
        var filter = query.BuildFilter();
        Assert.StartsWith("evidence/any(e: e/microsoft.graph.security.userEvidence/userAccount/userPrincipalName eq 'o''brien@contoso.example' or ", filter);
        Assert.Contains("e/microsoft.graph.security.analyzedMessageEvidence/recipientEmailAddress eq 'o''brien@contoso.example'", filter);
        Assert.True(query.EvidenceOnServer);
        Assert.Null(query.ClientFilter);
    }

    [Fact]
    public void Kinds_are_and_ed_and_values_of_one_kind_or_ed()
    {
        var criteria = new EvidenceCriteria { Users = { "a@x", "b@x" }, Devices = { "ws-001" } };
        var clauses = new List<string>(criteria.FilterClauses());
        Assert.Equal(2, clauses.Count);
        Assert.Contains("'a@x'", clauses[0]);
        Assert.Contains("'b@x'", clauses[0]);
        Assert.Contains("deviceEvidence/deviceDnsName eq 'ws-001'", clauses[1]);
    }

    [Theory]
    [InlineData(EvidenceMatchMode.Auto, "ada@contoso.example", null, null, true)]
    [InlineData(EvidenceMatchMode.Auto, "cb928b4a-783c-4255-86d1-41eeac9a2d92", null, null, false)]
    [InlineData(EvidenceMatchMode.Auto, null, "0123456789abcdef0123456789abcdef01234567", null, false)]
    [InlineData(EvidenceMatchMode.Auto, null, "ws-001.contoso.example", null, true)]
    [InlineData(EvidenceMatchMode.Auto, null, null, "198.51.100.7", false)]
    [InlineData(EvidenceMatchMode.Server, null, null, "198.51.100.7", true)]
    [InlineData(EvidenceMatchMode.Client, "ada@contoso.example", null, null, false)]
    public void Auto_keeps_the_documented_lambda_forms_on_the_server(EvidenceMatchMode mode, string user, string device, string ip, bool server)
    {
        var criteria = new EvidenceCriteria();
        if (user != null) criteria.Users.Add(user);
        if (device != null) criteria.Devices.Add(device);
        if (ip != null) criteria.IpAddresses.Add(ip);
        Assert.Equal(server, criteria.ServerSide(mode));
    }

    [Fact]
    public void Client_side_matching_follows_the_same_paths_case_insensitively()
    {
        var criteria = new EvidenceCriteria { Users = { "ADA@contoso.example" } };
        Assert.True(criteria.Matches(With(new ProcessEvidence { UserAccount = new UserAccount { UserPrincipalName = "ada@contoso.example" } })));
        Assert.True(criteria.Matches(With(new AnalyzedMessageEvidence { RecipientEmailAddress = "ada@contoso.example" })));
        Assert.True(criteria.Matches(With(new MailboxEvidence { Upn = "ada@contoso.example" })));
        Assert.False(criteria.Matches(With(new DeviceEvidence { DeviceDnsName = "ada@contoso.example" })));
        Assert.False(criteria.Matches(With()));
    }

    [Fact]
    public void Devices_match_by_name_or_mde_id_and_addresses_by_ip_or_device_address()
    {
        const string mde = "0123456789abcdef0123456789abcdef01234567";
        Assert.True(new EvidenceCriteria { Devices = { mde } }.Matches(With(new FileEvidence { MdeDeviceId = mde })));
        Assert.True(new EvidenceCriteria { Devices = { "WS-001" } }.Matches(With(new DeviceEvidence { HostName = "ws-001" })));
        Assert.True(new EvidenceCriteria { IpAddresses = { "192.0.2.10" } }.Matches(With(new DeviceEvidence { LastIpAddress = "192.0.2.10" })));
        Assert.False(new EvidenceCriteria { IpAddresses = { "192.0.2.10" }, Users = { "x@y" } }.Matches(With(new IpEvidence { IpAddress = "192.0.2.10" })));
    }
}
