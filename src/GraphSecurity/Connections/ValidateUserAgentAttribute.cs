using System.Management.Automation;

namespace GraphSecurity.Commands.Connections;

/// <summary>A partner's User-Agent: one or more product/version tokens, such as MdePartner-Contoso-Sentry/1.2.</summary>
public sealed class ValidateUserAgentAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var problem = GraphSecurity.Engine.Http.UserAgent.Problem(arguments as string);
        if (problem != null)
            throw new ValidationMetadataException(
                $"The User-Agent is not valid: {problem}. Give product/version tokens separated by spaces, e.g. MdePartner-Contoso-Sentry/1.2.");
    }
}
