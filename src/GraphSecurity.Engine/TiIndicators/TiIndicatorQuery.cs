using System;
using System.Collections.Generic;
using System.Linq;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.TiIndicators;

/// <summary>The typed filters of Get-GsTiIndicator, turned into one tiIndicators query.</summary>
public sealed class TiIndicatorQuery
{
    public IList<string> ExternalId { get; set; } = new List<string>();
    public IList<TiThreatType> ThreatType { get; set; } = new List<TiThreatType>();
    public IList<TiTargetProduct> TargetProduct { get; set; } = new List<TiTargetProduct>();
    /// <summary>Only indicators that are active (not expired or deleted).</summary>
    public bool ActiveOnly { get; set; }
    /// <summary>Indicators that expire before this moment.</summary>
    public DateTimeOffset? ExpiringBefore { get; set; }

    /// <summary>threatType members are sent as named (PascalCase in the schema); target products in their spelled-out form.</summary>
    public CollectionQuery ToCollectionQuery()
    {
        var query = new CollectionQuery(GraphTiIndicatorBackend.CollectionPath)
            .AnyOf("externalId", ExternalId)
            .AnyOf("threatType", ThreatType.Select(t => t.ToString()))
            .AnyOf("targetProduct", TargetProduct.Select(TiIndicatorFields.ToWire))
            .Between("expirationDateTime", null, ExpiringBefore);
        if (ActiveOnly) query.Add("isActive eq true");
        return query;
    }
}
