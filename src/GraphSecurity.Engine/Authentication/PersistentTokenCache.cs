using System;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.Extensions.Msal;

namespace GraphSecurity.Engine.Authentication;

/// <summary>Whether and where MSAL's token cache outlives the PowerShell session.</summary>
public sealed class TokenCacheOptions
{
    public bool Persist { get; set; }
    /// <summary>Explicit opt-in to a plain-text cache file where the platform offers no encryption.</summary>
    public bool AllowUnencrypted { get; set; }
    public string? Directory { get; set; }

    public string EffectiveDirectory => Directory ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".graphsecurity");
}

/// <summary>
/// Keeps MSAL's token cache in a file encrypted by the platform (DPAPI on Windows, the Keychain on
/// macOS, the Secret Service keyring on Linux). Where none is available it refuses, unless the
/// caller explicitly allowed a plain-text file (then readable by the user only).
/// </summary>
internal static class PersistentTokenCache
{
    private const string EncryptedFile = "msal.cache";
    private const string PlainTextFile = "msal.plaintext.cache";

    public static async Task AttachAsync(ITokenCache cache, TokenCacheOptions options)
    {
        if (options == null || !options.Persist) return;
        var directory = options.EffectiveDirectory;
        System.IO.Directory.CreateDirectory(directory);

        var encrypted = new StorageCreationPropertiesBuilder(EncryptedFile, directory)
            .WithLinuxKeyring("graphsecurity.tokencache", MsalCacheHelper.LinuxKeyRingDefaultCollection, "GraphSecurity token cache",
                new System.Collections.Generic.KeyValuePair<string, string>("Version", "1"),
                new System.Collections.Generic.KeyValuePair<string, string>("Product", "GraphSecurity"))
            .WithMacKeyChain("GraphSecurity", "TokenCache")
            .Build();
        var helper = await MsalCacheHelper.CreateAsync(encrypted).ConfigureAwait(false);
        try
        {
            helper.VerifyPersistence();
        }
        catch (MsalCachePersistenceException ex)
        {
            if (!options.AllowUnencrypted)
                throw new AuthenticationFailedException(
                    $"The token cache cannot be encrypted on this machine ({Strings.FirstLine(ex.InnerException?.Message ?? ex.Message)}).",
                    $"Connect without -PersistTokenCache, or add -AllowUnencryptedTokenCache to keep the tokens in plain text in {Path.Combine(directory, PlainTextFile)} (readable only by you).");
            var plain = new StorageCreationPropertiesBuilder(PlainTextFile, directory).WithUnprotectedFile().Build();
            helper = await MsalCacheHelper.CreateAsync(plain).ConfigureAwait(false);
        }
        helper.RegisterCache(cache);
    }

}
