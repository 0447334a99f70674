using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Alerts;
using GraphSecurity.Emulator.Graph.Query;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Graph;

/// <summary>POST …/{id}/comments, shared by alerts_v2 and incidents: append, stamp, answer with the whole list.</summary>
public static class CommentsRoute
{
    public static async Task PostAsync<T>(HttpContext ctx, EntityStore<T> store, EmulatorClock clock, CallerPrincipal principal,
        string version, string collection, string id, Func<T, List<AlertComment>> comments, Action<T, DateTimeOffset> touch,
        Func<string, GraphError> notFound) where T : class
    {
        if (store.Get(id) == null) throw notFound(id);
        var texts = await GraphRequest.ReadCommentsAsync(ctx);
        List<AlertComment> all = null;
        store.Update(id, item =>
        {
            var now = clock.UtcNow;
            foreach (var text in texts) comments(item).Add(new AlertComment(text, principal.ActorDisplayName, now));
            touch(item, now);
            all = comments(item);
        });
        var root = GraphResponse.ServiceRoot(ctx.Request, version);
        await CollectionQuery.WriteAsync(ctx, $"{root}/$metadata#security/{collection}('{id}')/comments", false, 0, null, all, EntitySchema.WriteComment);
    }
}
