namespace GraphSecurity.Emulator.Graph.Hunting;

public static class HuntingEndpoints
{
    public static void Map(IEndpointRouteBuilder app, string version) { }
}
