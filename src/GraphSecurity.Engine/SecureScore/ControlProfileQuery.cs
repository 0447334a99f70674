using System.Collections.Generic;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.SecureScore;

/// <summary>The typed filters of Get-GsSecureScoreControlProfile, turned into one secureScoreControlProfiles query.</summary>
public sealed class ControlProfileQuery
{
    /// <summary>Identity, Data, Device, Apps or Infrastructure.</summary>
    public IList<string> Category { get; set; } = new List<string>();
    /// <summary>The product a control belongs to, e.g. AzureAD, MDATP.</summary>
    public IList<string> Service { get; set; } = new List<string>();
    /// <summary>Core, Defense in Depth or Advanced.</summary>
    public IList<string> Tier { get; set; } = new List<string>();
    /// <summary>Only deprecated controls (true) or only current ones (false); null for both.</summary>
    public bool? Deprecated { get; set; }

    public CollectionQuery ToCollectionQuery()
    {
        var query = new CollectionQuery(ControlProfileService.CollectionPath)
            .AnyOf("controlCategory", Category)
            .AnyOf("service", Service)
            .AnyOf("tier", Tier);
        if (Deprecated.HasValue) query.Add(Deprecated.Value ? "deprecated eq true" : "deprecated eq false");
        return query;
    }
}
