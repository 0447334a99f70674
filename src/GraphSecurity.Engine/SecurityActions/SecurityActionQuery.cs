using System.Collections.Generic;
using System.Linq;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Engine.SecurityActions;

/// <summary>The typed filters of Get-GsSecurityAction, turned into one securityActions query.</summary>
public sealed class SecurityActionQuery
{
    /// <summary>Actions of these names (e.g. block, allow).</summary>
    public IList<string> Name { get; set; } = new List<string>();
    public IList<OperationStatus> Status { get; set; } = new List<OperationStatus>();

    // operationStatus members are PascalCase in the schema, so they are sent as named.
    public CollectionQuery ToCollectionQuery() =>
        new CollectionQuery(GraphSecurityActionService.CollectionPath)
            .AnyOf("name", Name)
            .AnyOf("status", Status.Select(s => s.ToString()));
}
