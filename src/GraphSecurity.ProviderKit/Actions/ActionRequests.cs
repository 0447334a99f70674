using System.Text.Json;
using GraphSecurity.ProviderKit.Models;

namespace GraphSecurity.ProviderKit.Actions;

/// <summary>Reads and validates a <c>POST securityActions</c> body against the source's action definitions.</summary>
public static class ActionRequests
{
    public const int MaxClientContextLength = 256;
    public const int MaxReasonLength = 1024;

    public static (SecurityActionRequest Request, ProviderActionDefinition Definition) Parse(
        JsonElement body, GsProviderOptions options, IReadOnlyList<ProviderActionDefinition> actions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(actions);
        if (body.ValueKind != JsonValueKind.Object) throw ProviderException.BadRequest("The body must be a JSON object.");
        string name = null, reason = null, context = null;
        List<ActionParameter> parameters = null;
        VendorInformation vendor = null;
        foreach (var member in body.EnumerateObject())
        {
            switch (member.Name)
            {
                case "name": name = Text(member, 128); break;
                case "actionReason": reason = Text(member, MaxReasonLength); break;
                case "clientContext": context = Text(member, MaxClientContextLength); break;
                case "parameters": parameters = Parameters(member.Value); break;
                case "vendorInformation": vendor = AlertUpdate.Vendor(member.Value); break;
                default:
                    throw ProviderException.BadRequest(
                        $"The field '{member.Name}' is not part of a security action; send name, actionReason, parameters, vendorInformation and optionally clientContext.");
            }
        }
        var supported = string.Join(", ", actions.Select(a => a.Name));
        if (string.IsNullOrWhiteSpace(name))
            throw ProviderException.BadRequest($"'name' is required; this provider supports {supported}.");
        var definition = actions.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw ProviderException.BadRequest($"The action '{name}' is not supported; this provider supports {(supported.Length == 0 ? "no actions" : supported)}.");
        if (vendor == null)
            throw ProviderException.BadRequest("The body must carry vendorInformation naming this provider.");
        if (!string.Equals(vendor.Vendor, options.Vendor, StringComparison.OrdinalIgnoreCase) || !string.Equals(vendor.Provider, options.Provider, StringComparison.OrdinalIgnoreCase))
            throw ProviderException.BadRequest(
                $"vendorInformation names vendor '{vendor.Vendor}' and provider '{vendor.Provider}'; this provider is vendor '{options.Vendor}', provider '{options.Provider}'.");
        if (parameters == null)
            throw ProviderException.BadRequest($"'parameters' is required; {definition.Name} takes {string.Join(", ", definition.ParameterNames)}.");

        var normalized = new List<ActionParameter>();
        foreach (var parameter in parameters)
        {
            var declared = definition.ParameterNames.FirstOrDefault(p => string.Equals(p, parameter.Name, StringComparison.OrdinalIgnoreCase))
                ?? throw ProviderException.BadRequest($"The parameter '{parameter.Name}' is not a parameter of {definition.Name} ({string.Join(", ", definition.ParameterNames)}).");
            if (normalized.Any(p => p.Name == declared)) throw ProviderException.BadRequest($"The parameter '{declared}' is given twice.");
            var problem = definition.ValidateParameter(declared, parameter.Value);
            if (problem != null) throw ProviderException.BadRequest($"The parameter '{declared}' is invalid: {problem}");
            normalized.Add(new ActionParameter(declared, parameter.Value));
        }
        var missing = definition.ParameterNames.FirstOrDefault(p => normalized.All(n => n.Name != p));
        if (missing != null) throw ProviderException.BadRequest($"{definition.Name} needs the parameter '{missing}'.");

        return (new SecurityActionRequest
        {
            Name = definition.Name,
            ActionReason = reason,
            ClientContext = context,
            Parameters = normalized,
            VendorInformation = vendor,
        }, definition);
    }

    private static string Text(JsonProperty member, int maxLength)
    {
        if (member.Value.ValueKind == JsonValueKind.Null) return null;
        if (member.Value.ValueKind != JsonValueKind.String) throw ProviderException.BadRequest($"'{member.Name}' must be a string.");
        var text = member.Value.GetString();
        if (text.Length > maxLength) throw ProviderException.BadRequest($"'{member.Name}' is longer than {maxLength} characters.");
        return text;
    }

    private static List<ActionParameter> Parameters(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array) throw ProviderException.BadRequest("'parameters' must be an array of {\"name\",\"value\"} objects.");
        var list = new List<ActionParameter>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object ||
                !item.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(n.GetString()))
                throw ProviderException.BadRequest("Each item of 'parameters' must be an object with a string 'name' and 'value'.");
            var other = item.EnumerateObject().FirstOrDefault(p => p.Name is not ("name" or "value"));
            if (other.Value.ValueKind != JsonValueKind.Undefined)
                throw ProviderException.BadRequest($"A parameter has the unknown member '{other.Name}'; use name and value.");
            var v = item.TryGetProperty("value", out var raw) ? raw : default;
            if (v.ValueKind is not (JsonValueKind.String or JsonValueKind.Null or JsonValueKind.Undefined))
                throw ProviderException.BadRequest($"The value of parameter '{n.GetString()}' must be a string.");
            list.Add(new ActionParameter(n.GetString(), v.ValueKind == JsonValueKind.String ? v.GetString() : null));
        }
        return list;
    }
}
