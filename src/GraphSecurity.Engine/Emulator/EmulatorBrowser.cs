using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GraphSecurity.Engine.Authentication;

namespace GraphSecurity.Engine.Emulator
{
    /// <summary>
    /// Stands in for the system browser when signing in to the emulator: its authorize endpoint
    /// consents automatically and redirects to MSAL's loopback listener, so requesting the page and
    /// following that one redirect completes the sign-in without a person or a browser.
    /// </summary>
    public static class EmulatorBrowser
    {
        public static async Task OpenAsync(Uri authorizeUrl, string pinnedThumbprint, CancellationToken cancellationToken)
        {
            var handler = new TransportFactory(pinnedThumbprint).CreateHandler();
            handler.AllowAutoRedirect = false;
            using (var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) })
            using (var consent = await client.GetAsync(authorizeUrl, cancellationToken).ConfigureAwait(false))
            {
                var redirect = consent.Headers.Location;
                if ((int)consent.StatusCode / 100 != 3 || redirect == null)
                    throw new AuthenticationFailedException(
                        $"The emulator's sign-in page answered {(int)consent.StatusCode} instead of redirecting back.",
                        "Check the client id and redirect URI registered in the emulator.");
                using (var loopback = new HttpClient { Timeout = TimeSpan.FromSeconds(30) })
                using (await loopback.GetAsync(redirect, cancellationToken).ConfigureAwait(false)) { }
            }
        }
    }
}
