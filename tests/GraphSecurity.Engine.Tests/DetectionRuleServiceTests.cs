using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using GraphSecurity.Engine.DetectionRules;
using Xunit;

namespace GraphSecurity.Engine.Tests;

/// <summary>What New- and Set-GsDetectionRule check and send: frequencies, ids, tactics, entity mappings, the 2026 body.</summary>
public class DetectionRuleServiceTests
{
    private static DetectionRuleDefinition Definition(Action<DetectionRuleDefinition> change = null)
    {
        var d = new DetectionRuleDefinition
        {
            Name = "Devices in alerts", Query = " AlertEvidence | take 1 ", Period = "1H", Title = "Device alert", Severity = "High",
            Category = "execution", MitreTechniques = new List<string> { "T1059", "T1059.001", "T1047" },
            EntityMappings = new List<IDictionary> { new Hashtable { ["Type"] = "host", ["DeviceName"] = "DeviceName", ["deviceid"] = "DeviceId" } },
        };
        change?.Invoke(d);
        return d;
    }

    [Theory]
    [InlineData("1H", "PT1H")]
    [InlineData("pt3h", "PT3H")]
    [InlineData("0", "PT0S")]
    [InlineData("P1D", "PT24H")]
    [InlineData("12H", "PT12H")]
    public void FrequenciesAreWrittenInTheWireForm(string given, string wire) => Assert.Equal(wire, DetectionRuleService.Frequency(given));

    [Theory]
    [InlineData("PT2H")]
    [InlineData("")]
    [InlineData(null)]
    public void OtherFrequenciesAreRefused(string given) =>
        Assert.Contains("is not a frequency", Assert.Throws<ArgumentException>(() => DetectionRuleService.Frequency(given)).Message);

    [Theory]
    [InlineData(null, "Devices in alerts!", "Devices-in-alerts")]
    [InlineData(null, "42 ways", "rule-42-ways")]
    [InlineData("myRule_1", "whatever", "myRule_1")]
    public void TheRuleIdIsGivenOrMadeFromTheName(string id, string name, string expected) => Assert.Equal(expected, DetectionRuleService.IdFor(id, name));

    [Fact]
    public void ABadRuleIdIsRefused() => Assert.Throws<ArgumentException>(() => DetectionRuleService.IdFor("1-rule", "x"));

    [Fact]
    public void TheBodyHasThe2026Shape()
    {
        var body = JsonDocument.Parse(JsonSerializer.Serialize(DetectionRuleService.NewBody(Definition()))).RootElement;
        Assert.Equal("Devices-in-alerts", body.GetProperty("id").GetString());
        Assert.Equal("enabled", body.GetProperty("status").GetString());
        Assert.Equal("AlertEvidence | take 1", body.GetProperty("queryCondition").GetProperty("queryText").GetString());
        Assert.Equal("PT1H", body.GetProperty("schedule").GetProperty("frequency").GetString());
        var template = body.GetProperty("detectionAction").GetProperty("alertTemplate");
        Assert.Equal("high", template.GetProperty("severity").GetString());
        var tactic = template.GetProperty("tactics").EnumerateArray().Single();
        Assert.Equal("Execution", tactic.GetProperty("tactic").GetString());
        var techniques = tactic.GetProperty("techniques").EnumerateArray().ToList();
        Assert.Equal(new[] { "T1059", "T1047" }, techniques.Select(t => t.GetProperty("technique").GetString()));
        Assert.Equal(new[] { "T1059.001" }, techniques[0].GetProperty("subTechniques").EnumerateArray().Select(t => t.GetString()));
        var host = template.GetProperty("entityMappings").GetProperty("hosts").EnumerateArray().Single();
        Assert.Equal("DeviceName", host.GetProperty("deviceNameColumn").GetString());
        Assert.Equal("DeviceId", host.GetProperty("deviceIdColumn").GetString());
        Assert.False(body.GetProperty("detectionAction").TryGetProperty("responseActions", out _));
    }

    [Theory]
    [InlineData("emptyQuery", "query must not be empty")]
    [InlineData("noTitle", "needs a title")]
    [InlineData("severity", "'critical' is not a severity")]
    [InlineData("tactic", "'Hacking' is not a MITRE ATT&CK tactic")]
    [InlineData("technique", "'T59' is not a MITRE ATT&CK technique id")]
    [InlineData("noTactic", "needs -Category")]
    [InlineData("noMapping", "at least one Account, Host, Mailbox or IP")]
    [InlineData("filesOnly", "at least one Account, Host, Mailbox or IP")]
    [InlineData("noType", "needs Type")]
    [InlineData("badKey", "'Fqdn' is not an identifier of a Host mapping")]
    [InlineData("emptyColumn", "must name a query column")]
    public void BadDefinitionsAreRefusedWithAClearMessage(string which, string message)
    {
        var d = Definition(x =>
        {
            switch (which)
            {
                case "emptyQuery": x.Query = "  "; break;
                case "noTitle": x.Title = null; break;
                case "severity": x.Severity = "critical"; break;
                case "tactic": x.Category = "Hacking"; break;
                case "technique": x.MitreTechniques = new List<string> { "T59" }; break;
                case "noTactic": x.Category = null; break;
                case "noMapping": x.EntityMappings.Clear(); break;
                case "filesOnly": x.EntityMappings = new List<IDictionary> { new Hashtable { ["Type"] = "File", ["Sha256"] = "SHA256" } }; break;
                case "noType": x.EntityMappings = new List<IDictionary> { new Hashtable { ["DeviceName"] = "DeviceName" } }; break;
                case "badKey": x.EntityMappings = new List<IDictionary> { new Hashtable { ["Type"] = "Host", ["Fqdn"] = "DeviceName" } }; break;
                case "emptyColumn": x.EntityMappings = new List<IDictionary> { new Hashtable { ["Type"] = "Host", ["DeviceName"] = " " } }; break;
            }
        });
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => DetectionRuleService.NewBody(d)).Message);
    }

    [Fact]
    public void AReadRuleGivesBackTheDefinitionItWasMadeFrom()
    {
        var rule = new DetectionRule
        {
            DisplayName = "Copied", Status = "disabled", QueryCondition = new DetectionRuleQuery { QueryText = "AlertInfo" },
            Schedule = new DetectionRuleSchedule { Frequency = "PT3H" },
            DetectionAction = new DetectionRuleAction
            {
                AlertTemplate = new DetectionRuleAlertTemplate
                {
                    Title = "T", Severity = "low",
                    Tactics = new ValueList<DetectionRuleTactic>(new[]
                    {
                        new DetectionRuleTactic { Tactic = "Impact", Techniques = new ValueList<DetectionRuleTechnique>(new[] { new DetectionRuleTechnique { Technique = "T1486", SubTechniques = new ValueList<string>(new[] { "T1486.001" }) } }) },
                    }),
                    EntityMappings = new DetectionRuleEntityMappings { Accounts = new ValueList<DetectionRuleEntityColumns>(new[] { new DetectionRuleEntityColumns { UpnColumn = "AccountUpn" } }) },
                },
            },
        };
        var d = DetectionRuleService.DefinitionOf(rule);
        Assert.False(d.Enabled);
        Assert.Equal(new[] { "T1486", "T1486.001" }, d.MitreTechniques);
        var body = JsonDocument.Parse(JsonSerializer.Serialize(DetectionRuleService.NewBody(d))).RootElement;
        Assert.Equal("disabled", body.GetProperty("status").GetString());
        Assert.Equal("AccountUpn", body.GetProperty("detectionAction").GetProperty("alertTemplate").GetProperty("entityMappings").GetProperty("accounts")[0].GetProperty("upnColumn").GetString());
        Assert.Equal("Impact", body.GetProperty("detectionAction").GetProperty("alertTemplate").GetProperty("tactics")[0].GetProperty("tactic").GetString());
    }
}
