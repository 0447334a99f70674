using System.Text.Json;
using GraphSecurity.ProviderKit.Models;

namespace GraphSecurity.ProviderKit.Tests;

public class PatchRuleTests
{
    private const string Vendor = "\"vendorInformation\":{\"vendor\":\"Northwind Security\",\"provider\":\"Sentry Firewall\"}";

    private static AlertUpdate Parse(string json, bool anyField = false, bool requireVendor = true)
    {
        using var doc = JsonDocument.Parse(json);
        return AlertUpdate.Parse(doc.RootElement, "Northwind Security", "Sentry Firewall", anyField, requireVendor);
    }

    private static string Refused(string json) => Assert.Throws<ProviderException>(() => Parse(json)).Message;

    [Fact]
    public void EditableFieldsAreReadAndEnumsCanonicalised()
    {
        var update = Parse("{\"status\":\"RESOLVED\",\"feedback\":\"truepositive\",\"assignedTo\":\"ana@contoso.example\",\"comments\":[\"seen\"],\"tags\":[\"t1\",\"t2\"]," + Vendor + "}");
        Assert.Equal("resolved", update.Status);
        Assert.Equal("truePositive", update.Feedback);
        Assert.True(update.SetsAssignedTo);
        Assert.Equal(new[] { "seen" }, update.Comments);
        Assert.Equal(new[] { "t1", "t2" }, update.Tags);
    }

    [Theory]
    [InlineData("title")]
    [InlineData("severity")]
    [InlineData("id")]
    [InlineData("azureTenantId")]
    [InlineData("networkConnections")]
    public void ReadOnlyFieldsAre400NamingThem(string field) =>
        Assert.Contains($"'{field}'", Refused($"{{\"{field}\":\"x\"," + Vendor + "}"));

    [Fact]
    public void VendorInformationIsRequiredAndMustNameThisProvider()
    {
        Assert.Contains("must carry vendorInformation", Refused("{\"status\":\"resolved\"}"));
        Assert.Contains("vendor 'Microsoft'", Refused("{\"vendorInformation\":{\"vendor\":\"Microsoft\",\"provider\":\"Sentry Firewall\"}}"));
        Assert.Contains("provider 'Windows Defender ATP'", Refused("{\"vendorInformation\":{\"vendor\":\"Northwind Security\",\"provider\":\"Windows Defender ATP\"}}"));
        Assert.Contains("vendorInformation/colour", Refused("{\"vendorInformation\":{\"vendor\":\"Northwind Security\",\"provider\":\"Sentry Firewall\",\"colour\":\"red\"}}"));
    }

    [Theory]
    [InlineData("{\"status\":\"closed\",", "status")]
    [InlineData("{\"feedback\":\"maybe\",", "feedback")]
    [InlineData("{\"status\":3,", "status")]
    [InlineData("{\"assignedTo\":5,", "assignedTo")]
    [InlineData("{\"tags\":\"one\",", "tags")]
    [InlineData("{\"comments\":[1],", "comments")]
    [InlineData("{\"closedDateTime\":\"yesterday\",", "closedDateTime")]
    public void BadValuesAre400NamingTheField(string start, string field) =>
        Assert.Contains($"'{field}'", Refused(start + Vendor + "}"));

    [Fact]
    public void NotAnObjectIsRefused() => Assert.Contains("JSON object", Refused("[1]"));

    [Fact]
    public void ResolvingSetsClosedAndAlwaysLastModified()
    {
        var now = new DateTimeOffset(2026, 2, 1, 10, 0, 0, TimeSpan.Zero);
        var alert = new ProviderAlert { Id = "x", Status = "newAlert", LastModifiedDateTime = now.AddDays(-1) };
        Parse("{\"status\":\"resolved\"," + Vendor + "}").ApplyTo(alert, now);
        Assert.Equal("resolved", alert.Status);
        Assert.Equal(now, alert.ClosedDateTime);
        Assert.Equal(now, alert.LastModifiedDateTime);

        // A closedDateTime already set (or sent) is kept.
        var closed = now.AddHours(-3);
        var other = new ProviderAlert { Id = "y", Status = "newAlert" };
        Parse("{\"status\":\"dismissed\",\"closedDateTime\":\"" + closed.ToString("o") + "\"," + Vendor + "}").ApplyTo(other, now);
        Assert.Equal(closed, other.ClosedDateTime);
    }

    [Fact]
    public void UnsetFieldsAreLeftAlone()
    {
        var alert = new ProviderAlert { Id = "x", AssignedTo = "ana", Tags = new() { "keep" }, Feedback = "falsePositive" };
        Parse("{\"comments\":[\"c\"]," + Vendor + "}").ApplyTo(alert, DateTimeOffset.UtcNow);
        Assert.Equal("ana", alert.AssignedTo);
        Assert.Equal(new[] { "keep" }, alert.Tags);
        Assert.Equal("falsePositive", alert.Feedback);
        Assert.Equal(new[] { "c" }, alert.Comments);
    }

    [Fact]
    public void AssigningNullClears()
    {
        var alert = new ProviderAlert { Id = "x", AssignedTo = "ana" };
        Parse("{\"assignedTo\":null," + Vendor + "}").ApplyTo(alert, DateTimeOffset.UtcNow);
        Assert.Null(alert.AssignedTo);
    }

    [Fact]
    public void TheDeviationsLoosenExactlyTheirRule()
    {
        Assert.Null(Parse("{\"title\":\"x\"," + Vendor + "}", anyField: true).Status);
        Assert.Equal("resolved", Parse("{\"status\":\"resolved\"}", requireVendor: false).Status);
        Assert.Throws<ProviderException>(() => Parse("{\"status\":\"closed\"}", anyField: true, requireVendor: false));
    }
}
