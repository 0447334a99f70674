using System.Management.Automation;

namespace GraphSecurity.Commands.Connections
{
    /// <summary>Accepts a plain string where a SecureString is expected (for tokens handed over by other tools).</summary>
    public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            return value is string text ? GraphSecurity.Engine.Authentication.SecureStrings.FromPlain(text) : inputData;
        }
    }
}
