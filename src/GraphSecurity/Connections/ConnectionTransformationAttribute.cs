using System.Collections;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Engine.Connections;

namespace GraphSecurity.Commands.Connections;

/// <summary>Lets -Connection take a connection object or a connection's name.</summary>
public sealed class ConnectionTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is IEnumerable items && !(value is string))
            return items.Cast<object>().Select(One).ToArray();
        return One(value);
    }

    private static object One(object item)
    {
        var value = item is PSObject wrapped ? wrapped.BaseObject : item;
        if (!(value is string name)) return value;
        var connection = ConnectionStore.Get(name);
        if (connection == null)
            throw new ArgumentTransformationMetadataException(
                $"There is no connection named '{name}'. Get-GsConnection lists the connections; Connect-GsTenant -Name creates one.");
        return connection.ToInfo(string.Equals(name, CurrentConnection.Name, System.StringComparison.OrdinalIgnoreCase));
    }
}
