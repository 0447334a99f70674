using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Identity;
using static GraphSecurity.Emulator.Graph.ThreatIntelligence.ThreatIntelligenceCatalogue;

namespace GraphSecurity.Emulator.Graph.ThreatIntelligence;

/// <summary>Which tenants hold the Defender Threat Intelligence licence (control endpoint <c>POST /_emulator/threatIntelligence/licence</c>).</summary>
public sealed class ThreatIntelligenceLicences
{
    private readonly ConcurrentDictionary<string, bool> _unlicensed = new(StringComparer.OrdinalIgnoreCase);

    public ThreatIntelligenceLicences(IEnumerable<string> unlicensed)
    {
        foreach (var t in unlicensed) _unlicensed[t] = true;
    }

    public bool IsLicensed(string tenantId) => !_unlicensed.ContainsKey(tenantId);

    public void Set(string tenantId, bool licensed)
    {
        if (licensed) _unlicensed.TryRemove(tenantId, out _);
        else _unlicensed[tenantId] = true;
    }
}

/// <summary>/security/threatIntelligence (v1.0 and beta): hosts, intel profiles, articles, their indicators and vulnerabilities.</summary>
public static class ThreatIntelligenceEndpoints
{
    public const int DefaultPageSize = 20;
    public const int MaxTop = 100;
    private const string Ns = "#microsoft.graph.security.";

    public static void Map(IEndpointRouteBuilder app, string version)
    {
        var g = app.MapGroup($"/{version}/security/threatIntelligence");
        void Get(string pattern, Func<HttpContext, string, JsonNode> handler) =>
            g.MapGet(pattern, (HttpContext ctx, ThreatIntelligenceLicences licences) => Answer(ctx, licences, version, handler))
                .Requires(Permissions.ThreatIntelligenceRead);

        Get("/hosts/{id}", (ctx, root) => Host(HostId(ctx)));
        Get("/hosts/{id}/reputation", (ctx, root) => Reputation(HostId(ctx)));
        Get("/hosts/{id}/whois", (ctx, root) => Whois(HostId(ctx)));
        Get("/hosts/{id}/passiveDns", (ctx, root) => Page(ctx, root, $"security/threatIntelligence/hosts('{HostId(ctx)}')/passiveDns", PassiveDns(HostId(ctx)), null));
        Get("/hosts/{id}/components", (ctx, root) => Page(ctx, root, $"security/threatIntelligence/hosts('{HostId(ctx)}')/components", Components(HostId(ctx)), null));
        Get("/intelProfiles", (ctx, root) => Page(ctx, root, "security/threatIntelligence/intelProfiles",
            Profiles.Select(Profile), p => p["title"] + " " + p["summary"]?["content"]));
        Get("/intelProfiles/{id}", (ctx, root) => Profile(FindProfile(ctx)));
        Get("/intelProfiles/{id}/indicators", (ctx, root) => Page(ctx, root, $"security/threatIntelligence/intelProfiles('{FindProfile(ctx).Id}')/indicators",
            ProfileHosts(FindProfile(ctx).Id).Select(h => ProfileIndicator(h.ProfileId, h.Id)), null));
        foreach (var name in new[] { "/intelligenceProfileIndicators/{id}", "/intelProfileIndicators/{id}" })
            Get(name, (ctx, root) => FindIndicator(ctx, Profiles.Select(p => p.Id), ProfileIndicator));
        Get("/articles", (ctx, root) => Page(ctx, root, "security/threatIntelligence/articles",
            Articles.OrderByDescending(a => a.Created).Select(Article), a => a["title"] + " " + a["summary"]?["content"]));
        Get("/articles/{id}", (ctx, root) => Article(FindArticle(ctx)));
        Get("/articles/{id}/indicators", (ctx, root) => Page(ctx, root, $"security/threatIntelligence/articles('{FindArticle(ctx).Id}')/indicators",
            ArticleHosts(FindArticle(ctx)).Select(h => ArticleIndicator(FindArticle(ctx).Id, h)), null));
        Get("/articleIndicators/{id}", (ctx, root) => FindIndicator(ctx, Articles.Select(a => a.Id), (articleId, host) => ArticleIndicator(articleId, host)));
        Get("/vulnerabilities/{id}", (ctx, root) => Vulnerability(ctx));
    }

    private static async Task Answer(HttpContext ctx, ThreatIntelligenceLicences licences, string version, Func<HttpContext, string, JsonNode> handler)
    {
        var tenant = ctx.Caller().Tenant;
        if (!licences.IsLicensed(tenant.Id))
            throw GraphError.Forbidden($"The tenant '{tenant.Id}' is not licensed for Microsoft Defender Threat Intelligence. A Defender XDR or Microsoft Sentinel licence (or the Defender TI API licence) is required to call /security/threatIntelligence.");
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        var body = handler(ctx, root);
        await GraphResponse.WriteAsync(ctx, 200, w => body.WriteTo(w));
    }

    private static string RouteId(HttpContext ctx) => Uri.UnescapeDataString((string)ctx.Request.RouteValues["id"] ?? "");

    private static string HostId(HttpContext ctx)
    {
        var id = RouteId(ctx).Trim();
        if (!IsHostId(id, out _)) throw GraphError.NotFound($"Host '{id}' was not found.");
        return id.ToLowerInvariant();
    }

    private static JsonObject Host(string id)
    {
        IsHostId(id, out var isIp);
        var known = Find(id);
        var o = new JsonObject
        {
            ["@odata.type"] = Ns + (isIp ? "ipAddress" : "hostname"),
            ["id"] = id,
            ["firstSeenDateTime"] = known == null ? null : Epoch.AddDays(-90),
            ["lastSeenDateTime"] = known == null ? null : Epoch.AddDays(25),
        };
        if (isIp)
        {
            o["autonomousSystem"] = known == null ? null : new JsonObject { ["name"] = "EXAMPLE-HOSTING", ["number"] = 64500, ["organization"] = "Example Hosting Ltd", ["value"] = "AS64500" };
            o["countryOrRegion"] = known == null ? null : "XX";
            o["hostingProvider"] = known == null ? null : "Example Hosting Ltd";
            o["netblock"] = known == null ? null : id[..id.LastIndexOf('.')] + ".0/24";
        }
        else
        {
            o["registrar"] = known == null ? null : "Example Registrar, Inc.";
            o["registrant"] = known == null ? null : "Privacy service";
        }
        return o;
    }

    private static JsonObject Reputation(string id)
    {
        var known = Find(id);
        var rules = new JsonArray();
        if (known != null)
            rules.Add(new JsonObject
            {
                ["name"] = known.RuleName,
                ["description"] = $"{id} is named as an indicator of {Profiles.First(p => p.Id == known.ProfileId).Title}.",
                ["severity"] = known.Severity,
                ["relatedDetailsUrl"] = $"https://ti.example/intelProfiles/{known.ProfileId}",
            });
        return new JsonObject
        {
            ["@odata.type"] = Ns + "hostReputation",
            ["id"] = id,
            ["classification"] = known?.Classification ?? "unknown",
            ["score"] = known?.Score ?? 0,
            ["rules"] = rules,
        };
    }

    private static JsonObject Whois(string id)
    {
        var known = Find(id);
        IsHostId(id, out var isIp);
        if (known == null || isIp) throw GraphError.NotFound($"No WHOIS record was found for host '{id}'.");
        var contact = new JsonObject
        {
            ["email"] = "abuse@registrar.example", ["name"] = "Registrar Abuse", ["organization"] = "Example Registrar, Inc.", ["telephone"] = "+1.5550100", ["fax"] = null,
            ["address"] = new JsonObject { ["city"] = "Example City", ["countryOrRegion"] = "XX", ["postalCode"] = "00000", ["state"] = null, ["street"] = "1 Example Way" },
        };
        var created = Epoch.AddDays(-100);
        return new JsonObject
        {
            ["@odata.type"] = Ns + "whoisRecord",
            ["id"] = "whois-" + id,
            ["abuse"] = contact.DeepClone(), ["admin"] = null, ["billing"] = null, ["noc"] = null,
            ["registrant"] = new JsonObject { ["email"] = null, ["name"] = "Redacted for privacy", ["organization"] = "Privacy service", ["telephone"] = null, ["fax"] = null, ["address"] = null },
            ["registrar"] = contact.DeepClone(), ["technical"] = null, ["zone"] = null,
            ["domainStatus"] = "clientTransferProhibited",
            ["registrationDateTime"] = created, ["expirationDateTime"] = created.AddYears(1), ["lastUpdateDateTime"] = created.AddDays(2),
            ["firstSeenDateTime"] = created, ["lastSeenDateTime"] = Epoch.AddDays(25),
            ["nameservers"] = new JsonArray(new JsonObject { ["firstSeenDateTime"] = created, ["lastSeenDateTime"] = Epoch.AddDays(25), ["host"] = new JsonObject { ["id"] = "ns1.registrar.example" } }),
            ["rawWhoisText"] = $"Domain Name: {id.ToUpperInvariant()}\nRegistrar: Example Registrar, Inc.\nCreation Date: {created:yyyy-MM-dd}",
            ["whoisServer"] = "whois.registrar.example",
        };
    }

    /// <summary>A known domain resolves to two addresses of its profile; addresses and unknown hosts have none.</summary>
    private static IEnumerable<JsonNode> PassiveDns(string id)
    {
        var known = Find(id);
        IsHostId(id, out var isIp);
        if (known == null || isIp) yield break;
        foreach (var ip in new[] { "198.51.100.3", "198.51.100.11" })
            yield return new JsonObject
            {
                ["id"] = $"pdns-{id}-{ip}", ["collectedDateTime"] = Epoch.AddDays(25), ["firstSeenDateTime"] = Epoch.AddDays(-80), ["lastSeenDateTime"] = Epoch.AddDays(25),
                ["recordType"] = "A", ["artifact"] = Artifact(ip), ["parentHost"] = Artifact(id),
            };
    }

    private static IEnumerable<JsonNode> Components(string id)
    {
        if (Find(id) == null) yield break;
        foreach (var (name, category, ver) in new[] { ("nginx", "Server", "1.18.0"), ("jQuery", "JavaScript Library", "1.12.4") })
            yield return new JsonObject
            {
                ["id"] = $"component-{id}-{name.ToLowerInvariant()}", ["name"] = name, ["category"] = category, ["version"] = ver,
                ["firstSeenDateTime"] = Epoch.AddDays(-80), ["lastSeenDateTime"] = Epoch.AddDays(25),
            };
    }

    private static IntelProfileEntry FindProfile(HttpContext ctx) =>
        Profiles.FirstOrDefault(p => string.Equals(p.Id, RouteId(ctx), StringComparison.OrdinalIgnoreCase))
        ?? throw GraphError.NotFound($"Intelligence profile '{RouteId(ctx)}' was not found.");

    private static ArticleEntry FindArticle(HttpContext ctx) =>
        Articles.FirstOrDefault(a => string.Equals(a.Id, RouteId(ctx), StringComparison.OrdinalIgnoreCase))
        ?? throw GraphError.NotFound($"Article '{RouteId(ctx)}' was not found.");

    private static IEnumerable<string> ArticleHosts(ArticleEntry a) => a.ProfileIds.SelectMany(ProfileHosts).Select(h => h.Id).Distinct();

    private static JsonNode FindIndicator(HttpContext ctx, IEnumerable<string> owners, Func<string, string, JsonObject> write)
    {
        var id = RouteId(ctx);
        foreach (var owner in owners)
        {
            var hosts = Profiles.Any(p => p.Id == owner) ? ProfileHosts(owner).Select(h => h.Id) : ArticleHosts(Articles.First(a => a.Id == owner));
            var host = hosts.FirstOrDefault(h => string.Equals(IndicatorId(owner, h), id, StringComparison.OrdinalIgnoreCase));
            if (host != null) return write(owner, host);
        }
        throw GraphError.NotFound($"Indicator '{id}' was not found.");
    }

    private static JsonObject Profile(IntelProfileEntry p) => new()
    {
        ["@odata.type"] = Ns + "intelligenceProfile",
        ["id"] = p.Id, ["title"] = p.Title, ["kind"] = p.Kind,
        ["aliases"] = new JsonArray(p.Aliases.Select(a => (JsonNode)a).ToArray()),
        ["countriesOrRegionsOfOrigin"] = new JsonArray(p.Countries.Select(c => (JsonNode)new JsonObject { ["label"] = "Country", ["code"] = c }).ToArray()),
        ["summary"] = Formatted(p.Summary), ["description"] = Formatted(p.Summary), ["tradecraft"] = Formatted("See the indicators."),
        ["firstActiveDateTime"] = p.FirstActive,
        ["targets"] = new JsonArray(p.Targets.Select(t => (JsonNode)t).ToArray()),
    };

    private static JsonObject ProfileIndicator(string profileId, string hostId) => new()
    {
        ["@odata.type"] = Ns + "intelligenceProfileIndicator",
        ["id"] = IndicatorId(profileId, hostId), ["source"] = "microsoft",
        ["firstSeenDateTime"] = Epoch.AddDays(-90), ["lastSeenDateTime"] = Epoch.AddDays(25),
        ["artifact"] = Artifact(hostId),
    };

    private static JsonObject ArticleIndicator(string articleId, string hostId) => new()
    {
        ["@odata.type"] = Ns + "articleIndicator",
        ["id"] = IndicatorId(articleId, hostId), ["source"] = "microsoft",
        ["artifact"] = Artifact(hostId),
    };

    private static JsonObject Article(ArticleEntry a) => new()
    {
        ["@odata.type"] = Ns + "article",
        ["id"] = a.Id, ["title"] = a.Title,
        ["summary"] = Formatted(a.Summary), ["body"] = Formatted(a.Summary + " Indicators are listed with the article."),
        ["createdDateTime"] = a.Created, ["lastUpdatedDateTime"] = a.Created.AddDays(1),
        ["isFeatured"] = a.IsFeatured, ["imageUrl"] = null,
        ["tags"] = new JsonArray(a.Tags.Select(t => (JsonNode)t).ToArray()),
    };

    private static JsonObject Vulnerability(HttpContext ctx)
    {
        var id = RouteId(ctx);
        var v = Vulnerabilities.FirstOrDefault(x => string.Equals(x.Id, id, StringComparison.OrdinalIgnoreCase))
            ?? throw GraphError.NotFound($"Vulnerability '{id}' was not found.");
        return new JsonObject
        {
            ["@odata.type"] = Ns + "vulnerability",
            ["id"] = v.Id, ["severity"] = v.Severity, ["priorityScore"] = v.PriorityScore,
            ["activeExploitsObserved"] = v.ActiveExploits, ["exploitsAvailable"] = v.ExploitsAvailable, ["hasChatter"] = v.ActiveExploits,
            ["cvss2Summary"] = null, ["cvss3Summary"] = new JsonObject { ["score"] = v.PriorityScore / 10.0, ["vectorString"] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", ["severity"] = v.Severity },
            ["commonWeaknessEnumerationIds"] = new JsonArray("CWE-20"),
            ["description"] = Formatted(v.Description), ["remediation"] = Formatted("Apply the vendor's update."),
            ["exploits"] = new JsonArray(), ["references"] = new JsonArray(new JsonObject { ["name"] = "Vendor advisory", ["url"] = $"https://advisories.example/{v.Id}" }),
            ["createdDateTime"] = v.Published, ["lastModifiedDateTime"] = v.Published.AddDays(3), ["publishedDateTime"] = v.Published,
        };
    }

    /// <summary>A collection page: $search (one term, over <paramref name="searchText"/>), $count, $top (1–100), $skip, and a nextLink.</summary>
    private static JsonObject Page(HttpContext ctx, string root, string path, IEnumerable<JsonNode> items, Func<JsonNode, string> searchText)
    {
        var q = ctx.Request.Query;
        var list = items.ToList();
        var search = q["$search"].ToString().Trim().Trim('"');
        if (search.Length > 0)
        {
            if (searchText == null) throw GraphError.BadRequest("$search is not supported on this collection.");
            if (search.Contains(' ', StringComparison.Ordinal)) throw GraphError.BadRequest("$search accepts a single term.");
            list = list.Where(i => searchText(i).Contains(search, StringComparison.OrdinalIgnoreCase)).ToList();
        }
        if (q.ContainsKey("$filter")) throw GraphError.BadRequest("$filter is not supported on this collection; use $search.");
        int top = Number(q["$top"], DefaultPageSize, 1, MaxTop, "$top");
        int skip = Number(q["$skip"], 0, 0, int.MaxValue, "$skip");
        var page = new JsonArray(list.Skip(skip).Take(top).ToArray());
        var o = new JsonObject { ["@odata.context"] = $"{root}/$metadata#{path}" };
        if (string.Equals(q["$count"], "true", StringComparison.OrdinalIgnoreCase)) o["@odata.count"] = list.Count;
        if (skip + top < list.Count) o["@odata.nextLink"] = GraphResponse.NextLink(ctx.Request, root, path.Replace("('", "/").Replace("')", ""), skip + top, false);
        o["value"] = page;
        return o;
    }

    private static int Number(string text, int fallback, int min, int max, string name)
    {
        if (string.IsNullOrEmpty(text)) return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw GraphError.BadRequest($"Invalid value '{text}' for {name}: expected an integer from {min} to {max}.");
        return n;
    }
}
