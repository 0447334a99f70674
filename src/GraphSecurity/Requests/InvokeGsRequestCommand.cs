using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using GraphSecurity.Commands.Base;
using GraphSecurity.Engine;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;
using GraphSecurity.Engine.Requests;

namespace GraphSecurity.Commands.Requests;

/// <summary>
/// <para type="synopsis">Sends any request to one of the connection's APIs (Microsoft Graph, Defender for Endpoint, Azure Resource Manager…) with its token, retries and request log.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "GsRequest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PSObject), typeof(OrderedDictionary), typeof(string), typeof(GsHttpResponse))]
public sealed class InvokeGsRequestCommand : GsConnectedCmdlet
{
    private const string AsPSObject = "PSObject", AsHashtable = "Hashtable", AsJson = "Json", AsHttpResponse = "HttpResponse";

    /// <summary>The HTTP method (GET unless given).</summary>
    [Parameter(Position = 0)]
    [ValidateSet("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", IgnoreCase = true)]
    public string Method { get; set; } = "GET";

    /// <summary>A path relative to the API's base URL (v1.0/security/alerts_v2, api/indicators, subscriptions?api-version=…) or a full URL of one of the connection's APIs.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string Uri { get; set; }

    /// <summary>The API a relative -Uri is under (default: Graph). A full URL names its API itself.</summary>
    [Parameter]
    public SecurityApi Api { get; set; }

    /// <summary>The request body: a hashtable, PSCustomObject or array (sent as JSON), a string (sent as it is) or bytes.</summary>
    [Parameter]
    public object Body { get; set; }

    /// <summary>The body's content type (default: application/json).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string ContentType { get; set; }

    /// <summary>Further request headers (e.g. @{ ConsistencyLevel = 'eventual' }); Authorization comes from the connection.</summary>
    [Parameter]
    public IDictionary Headers { get; set; }

    /// <summary>Follow every next link (@odata.nextLink or nextLink) and write the items of each page as they arrive.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    /// <summary>Write at most this many items, following next links until then.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int First { get; set; }

    /// <summary>PSObject (default), Hashtable (ordered, case-insensitive), Json (the text) or HttpResponse (status, headers and body).</summary>
    [Parameter]
    [ValidateSet(AsPSObject, AsHashtable, AsJson, AsHttpResponse, IgnoreCase = true)]
    public string OutputType { get; set; } = AsPSObject;

    private bool Paged => All || MyInvocation.BoundParameters.ContainsKey(nameof(First));

    protected override void BeginProcessing()
    {
        Method = Method.ToUpperInvariant();
        var read = ApiRequests.IsRead(Method);
        if (Body != null && read)
            ThrowArgumentError(ErrorIds.BodyNotAllowed, $"A {Method} request has no body; leave out -Body or use POST, PUT or PATCH.", Body);
        if (Paged && Method != "GET")
            ThrowArgumentError(ErrorIds.PagingNeedsGet, "-All and -First read a collection page by page, which only GET does.", Method);
        if (Paged && string.Equals(OutputType, AsHttpResponse, StringComparison.OrdinalIgnoreCase))
            ThrowArgumentError(ErrorIds.PagingWritesItems, "-All and -First write the collection's items; leave them out to get the whole answer with -OutputType HttpResponse.", OutputType);
        if (Headers != null)
            foreach (var key in Headers.Keys.Cast<object>().Select(k => Convert.ToString(k, CultureInfo.InvariantCulture)))
            {
                if (string.Equals(key, "Authorization", StringComparison.OrdinalIgnoreCase))
                    ThrowArgumentError(ErrorIds.AuthorizationHeader, "-Headers may not set Authorization: the connection's token for the API is sent, and only to that API.", key);
                if (string.IsNullOrWhiteSpace(key) || key.Any(c => c <= ' ' || c == ':'))
                    ThrowArgumentError(ErrorIds.InvalidHeader, $"'{key}' is not a header name.", key);
            }
    }

    protected override void ProcessRecord()
    {
        var connection = GraphConnection;
        RequestTarget target;
        byte[] body;
        try
        {
            target = ApiRequests.Resolve(connection, MyInvocation.BoundParameters.ContainsKey(nameof(Api)) ? Api : (SecurityApi?)null, Uri);
            body = BodyBytes();
        }
        catch (ArgumentException ex)
        {
            WriteError(ErrorRecords.Argument(ErrorIds.InvalidRequest, ex.Message, Uri));
            return;
        }
        catch (Exception ex)
        {
            WriteErrorFor(ex, Uri, connection);
            return;
        }

        if (!ApiRequests.IsRead(Method) && !ShouldProcess($"{target.Url} ({SecurityApis.DisplayName(target.Api)}, connection '{connection.Name}')", Method))
            return;
        try
        {
            if (Paged) ReadItems(target, connection);
            else WriteAnswer(target, connection, Run(token => target.Client.SendRawAsync(new HttpMethod(Method), target.Url, body, ContentType, HeaderList(), token)));
        }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex) { WriteErrorFor(ex, target.Url, connection); }
    }

    private byte[] BodyBytes()
    {
        var value = Body is PSObject wrapped && !(wrapped.BaseObject is PSCustomObject) ? wrapped.BaseObject : Body;
        switch (value)
        {
            case null: return null;
            case byte[] bytes: return bytes;
            case string text: return Encoding.UTF8.GetBytes(text);
            default: return JsonConversion.ToJson(value);
        }
    }

    private List<KeyValuePair<string, string>> HeaderList() =>
        Headers == null ? null : Headers.Keys.Cast<object>()
            .Select(k => new KeyValuePair<string, string>(Convert.ToString(k, CultureInfo.InvariantCulture), Convert.ToString(Headers[k], CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>-All / -First: every item of every page, streamed; the next page is asked for while this one is written.</summary>
    private void ReadItems(RequestTarget target, GraphConnection connection)
    {
        var reader = ApiRequests.PageReader(target);
        long? max = MyInvocation.BoundParameters.ContainsKey(nameof(First)) ? First : (long?)null;
        var result = Run(token => reader.ReadAsync(max, followNextLinks: true, StreamPages<JsonElement>(item => WriteObject(ToOutput(item))), token));
        foreach (var partial in result.PartialResult) WriteWarning(partial.ToString());
    }

    private void WriteAnswer(RequestTarget target, GraphConnection connection, RawResponse response)
    {
        if (string.Equals(OutputType, AsHttpResponse, StringComparison.OrdinalIgnoreCase))
        {
            WriteObject(new GsHttpResponse
            {
                Api = target.Api,
                Method = Method,
                Url = target.Url,
                StatusCode = response.StatusCode,
                Headers = new GsHttpHeaders(response.Headers),
                ContentType = response.ContentType,
                Content = response.Text,
                ConnectionName = connection.Name,
            });
            return;
        }
        if (response.Body.Length == 0) return;
        if (string.Equals(OutputType, AsJson, StringComparison.OrdinalIgnoreCase) || !response.IsJson)
        {
            WriteObject(response.Text);
            return;
        }
        JsonElement root;
        try
        {
            using (var document = JsonDocument.Parse(response.Body)) root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            WriteObject(response.Text);   // said JSON, is not: the text is all there is
            return;
        }
        WriteObject(ToOutput(root));
    }

    private object ToOutput(JsonElement element)
    {
        if (string.Equals(OutputType, AsJson, StringComparison.OrdinalIgnoreCase)) return element.GetRawText();
        return JsonConversion.ToValue(element, asDictionary: string.Equals(OutputType, AsHashtable, StringComparison.OrdinalIgnoreCase));
    }
}
