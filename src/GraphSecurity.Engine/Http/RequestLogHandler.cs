using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace GraphSecurity.Engine.Http;

/// <summary>
/// Innermost handler: one verbose line per HTTP request actually sent, retries included.
/// It logs the method, URL, status, time and request-id; never headers or bodies, which carry
/// the token and may carry secrets.
/// </summary>
internal sealed class RequestLogHandler : DelegatingHandler
{
    public RequestLogHandler(HttpMessageHandler? inner = null) { if (inner != null) InnerHandler = inner; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var log = EngineLogScope.Current;
        var watch = Stopwatch.StartNew();
        var attempt = request.Headers.TryGetValues("Retry-Attempt", out var values) ? values.FirstOrDefault() : null;
        var retry = attempt == null ? "" : $" retry {attempt}";
        try
        {
            if (attempt != null && log is IProgressLog progress)
                progress.Progress(new ProgressUpdate { ActivityId = ProgressIds.RetryWait, Activity = "Waiting for Microsoft Graph", Status = "Retrying", Completed = true });
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var requestId = response.Headers.TryGetValues("request-id", out var ids) ? ids.FirstOrDefault() : "-";
            log.Verbose($"{request.Method} {request.RequestUri} -> {(int)response.StatusCode} {response.ReasonPhrase} ({watch.ElapsedMilliseconds} ms, request-id {requestId}){retry}");
            return response;
        }
        catch (HttpRequestException ex)
        {
            log.Verbose($"{request.Method} {request.RequestUri} -> failed after {watch.ElapsedMilliseconds} ms: {ex.Message}{retry}");
            throw;
        }
    }
}
