using System.Text.Json;
using GraphSecurity.Emulator.Data;
using GraphSecurity.Emulator.Graph.Incidents;
using GraphSecurity.Emulator.Graph.Legacy;
using GraphSecurity.Emulator.Graph.SecureScore;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Tests;

/// <summary>Incidents, legacy alerts and secure scores are as deterministic as the alerts they come from.</summary>
public class DerivedSeedTests
{
    private static string Render<T>(Graph.EntitySchema schema, IEnumerable<T> items)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var item in items) schema.Write(w, item, null, includeUnknownMembers: true);
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static (string Incidents, string Legacy, string Scores, string Profiles) Seed(int seed)
    {
        var tenant = TenantDirectory.CreateDefault(200).Find(TenantDirectory.DefaultTenantId);
        var alerts = new AlertSeeder(seed, tenant, EmulatorFixture.Now, 30).Generate(200);
        var scores = new SecureScoreSeeder(seed, tenant.Id, EmulatorFixture.Now);
        return (Render(IncidentSchema.Entity, IncidentSeeder.Generate(seed, tenant.Id, alerts)),
            Render(LegacyAlertSchema.Entity, new LegacyAlertSeeder(seed, tenant.Id).Generate(alerts)),
            Render(SecureScoreSchemas.Score, scores.Scores()),
            Render(SecureScoreSchemas.ControlProfile, scores.Profiles()));
    }

    [Fact]
    public void Same_seed_same_data_other_seed_other_data()
    {
        var a = Seed(11);
        var b = Seed(11);
        var c = Seed(12);
        Assert.Equal(a, b);
        Assert.NotEqual(a.Incidents, c.Incidents);
        Assert.NotEqual(a.Legacy, c.Legacy);
        Assert.NotEqual(a.Scores, c.Scores);
        Assert.Equal(a.Profiles, c.Profiles); // the control catalogue does not depend on the seed
        Assert.DoesNotContain("@contoso.com", a.Legacy);
    }
}
