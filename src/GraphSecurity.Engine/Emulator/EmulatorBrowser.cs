using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Authentication;

namespace GraphSecurity.Engine.Emulator;

/// <summary>
/// Stands in for the system browser when signing in to the emulator: its authorize endpoint
/// consents automatically and answers the way the real one does after a sign-in, either a redirect
/// to MSAL's loopback listener or (response_mode=form_post, which MSAL uses) a page that posts the
/// code there. Doing what a browser would do with that answer completes the sign-in without a
/// person or a browser.
/// </summary>
public static class EmulatorBrowser
{
    private static readonly Regex FormAction = new Regex("<form[^>]*action=\"(?<action>[^\"]+)\"", RegexOptions.IgnoreCase);
    private static readonly Regex PageError = new Regex("\"error_description\"\\s*:\\s*\"(?<text>AADSTS[^\"\\\\]*)", RegexOptions.CultureInvariant);
    private static readonly Regex HiddenInput = new Regex("<input[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"", RegexOptions.IgnoreCase);

    /// <summary>
    /// Asks the authorize endpoint now (so a refusal surfaces as an error of the sign-in), and hands
    /// its answer to the loopback listener in the background: MSAL starts listening only after the
    /// "browser" has been opened.
    /// </summary>
    public static async Task OpenAsync(Uri authorizeUrl, string pinnedThumbprint, CancellationToken cancellationToken)
    {
        var handler = new TransportFactory(pinnedThumbprint).CreateHandler();
        handler.AllowAutoRedirect = false;
        HttpRequestMessage delivery;
        using (var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) })
        using (var answer = await client.GetAsync(authorizeUrl, cancellationToken).ConfigureAwait(false))
        {
            var page = answer.Content == null ? "" : await answer.Content.ReadAsStringAsync().ConfigureAwait(false);
            var form = FormAction.Match(page);
            if ((int)answer.StatusCode / 100 == 3 && answer.Headers.Location != null)
            {
                delivery = new HttpRequestMessage(HttpMethod.Get, answer.Headers.Location);
            }
            else if (answer.IsSuccessStatusCode && form.Success)
            {
                var fields = HiddenInput.Matches(page).Cast<Match>()
                    .Select(m => new KeyValuePair<string, string>(WebUtility.HtmlDecode(m.Groups["name"].Value), WebUtility.HtmlDecode(m.Groups["value"].Value)))
                    .ToList();
                delivery = new HttpRequestMessage(HttpMethod.Post, new Uri(WebUtility.HtmlDecode(form.Groups["action"].Value)))
                {
                    Content = new FormUrlEncodedContent(fields),
                };
            }
            else
            {
                // The page of an error the platform will not redirect with (a redirect URI it does not trust): its AADSTS text.
                var said = PageError.Match(page);
                throw new AuthenticationFailedException(
                    $"The emulator's sign-in page answered {(int)answer.StatusCode} without sending the browser back to the application" +
                    (said.Success ? $": {said.Groups["text"].Value}" : "."),
                    "Check the client id and redirect URI registered in the emulator.");
            }
        }
        _ = Task.Run(() => DeliverAsync(delivery, cancellationToken), cancellationToken);
    }

    /// <summary>Sends the answer to MSAL's listener, retrying briefly until it is listening.</summary>
    private static async Task DeliverAsync(HttpRequestMessage delivery, CancellationToken cancellationToken)
    {
        using (var loopback = new HttpClient { Timeout = TimeSpan.FromSeconds(30) })
        {
            for (var attempt = 0; attempt < 100 && !cancellationToken.IsCancellationRequested; attempt++)
            {
                try
                {
                    using (var copy = await CloneAsync(delivery).ConfigureAwait(false))
                    using (await loopback.SendAsync(copy, cancellationToken).ConfigureAwait(false)) { }
                    return;
                }
                catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // Not listening yet, or the attempt timed out: try again shortly.
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static async Task<HttpRequestMessage> CloneAsync(HttpRequestMessage request)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri);
        if (request.Content != null)
        {
            var body = await request.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            copy.Content = new ByteArrayContent(body);
            copy.Content.Headers.ContentType = request.Content.Headers.ContentType;
        }
        return copy;
    }
}
