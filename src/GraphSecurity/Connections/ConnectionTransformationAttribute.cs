using System.Management.Automation;
using GraphSecurity.Engine.Connections;

namespace GraphSecurity.Commands.Connections
{
    /// <summary>Lets -Connection take a connection object or a connection's name.</summary>
    public sealed class ConnectionTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (value is GsConnectionInfo) return value;
            if (value is string name)
            {
                var connection = ConnectionStore.Get(name);
                if (connection == null)
                    throw new ArgumentTransformationMetadataException(
                        $"There is no connection named '{name}'. Get-GsConnection lists the connections; Connect-GsTenant -Name creates one.");
                return connection.ToInfo(name == CurrentConnection.Name);
            }
            return inputData;
        }
    }
}
