using System;

namespace GraphSecurity.Commands.Base;

/// <summary>
/// What a cmdlet needs from Microsoft Graph: the permissions that allow it (least privileged
/// first) and the clouds whose Graph does not serve its API (reference: per-cloud availability).
/// A 403 names these permissions; an unserved cloud fails before any request.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GraphPermissionAttribute : Attribute
{
    public GraphPermissionAttribute(string api, params string[] permissions)
    {
        Api = api;
        Permissions = permissions;
    }

    /// <summary>The API the cmdlet calls, as users know it (e.g. "alerts_v2").</summary>
    public string Api { get; }
    public string[] Permissions { get; }
    /// <summary>Named clouds (Global, USGov, USGovDoD, China) that do not serve the API.</summary>
    public string[] NotServedIn { get; set; } = new string[0];
}
