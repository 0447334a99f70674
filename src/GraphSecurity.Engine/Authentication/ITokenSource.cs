using System;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.Authentication;

/// <summary>An access token and when it stops being valid.</summary>
public sealed class AccessToken
{
    public AccessToken(string value, DateTimeOffset? expiresOn) { Value = value; ExpiresOn = expiresOn; }
    public string Value { get; }
    public DateTimeOffset? ExpiresOn { get; }
    /// <summary>Never the token itself, so a stray format call cannot print it.</summary>
    public override string ToString() => $"AccessToken (expires {ExpiresOn:u})";
}

/// <summary>
/// Supplies access tokens for one connection (MSAL for real flows, or tokens given by the user), one
/// per resource (token audience), each cached and renewed on its own.
/// </summary>
public interface ITokenSource
{
    /// <param name="resource">The API's resource, e.g. "https://graph.microsoft.com" (<see cref="ApiEndpoint.Resource"/>).</param>
    Task<AccessToken> GetTokenAsync(string resource, CancellationToken cancellationToken);
}
