using System.Management.Automation;

namespace GraphSecurity.Commands.Connections;

/// <summary>Accepts a plain string where a SecureString is expected (for tokens handed over by other tools).</summary>
public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value is string text ? GraphSecurity.Engine.Authentication.SecureStrings.FromPlain(text) : inputData;
    }
}

/// <summary>
/// Turns what -AccessToken is given into one token per API: a token (SecureString or string) is
/// Microsoft Graph's; a hashtable names the API of each, e.g. @{ Graph = $t1; DefenderForEndpoint = $t2 }.
/// </summary>
public sealed class AccessTokenTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        var tokens = new System.Collections.Generic.Dictionary<SecurityApi, System.Security.SecureString>();
        if (value is System.Collections.IDictionary byApi)
        {
            foreach (System.Collections.DictionaryEntry entry in byApi)
            {
                if (!System.Enum.TryParse(System.Convert.ToString(entry.Key), true, out SecurityApi api) || !System.Enum.IsDefined(typeof(SecurityApi), api))
                    throw new ArgumentTransformationMetadataException(
                        $"'{entry.Key}' is not an API. The keys of -AccessToken are: {string.Join(", ", System.Enum.GetNames(typeof(SecurityApi)))}.");
                tokens[api] = Token(entry.Value, api.ToString());
            }
            if (tokens.Count == 0) throw new ArgumentTransformationMetadataException("-AccessToken has no token.");
        }
        else tokens[SecurityApi.Graph] = Token(value, "Graph");
        return tokens;
    }

    private static System.Security.SecureString Token(object value, string api)
    {
        if (value is PSObject wrapped) value = wrapped.BaseObject;
        switch (value)
        {
            case System.Security.SecureString secure when secure.Length > 0: return secure;
            case string text when text.Trim().Length > 0: return GraphSecurity.Engine.Authentication.SecureStrings.FromPlain(text.Trim());
            default: throw new ArgumentTransformationMetadataException($"The {api} token of -AccessToken is empty or not a string or SecureString.");
        }
    }
}
