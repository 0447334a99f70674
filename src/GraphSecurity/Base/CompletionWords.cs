namespace GraphSecurity.Commands.Base;

/// <summary>What argument completers share about the word being completed.</summary>
internal static class CompletionWords
{
    /// <summary>The word without the quote the user opened it with: -Name 'Bl&lt;Tab&gt; completes "Bl".</summary>
    public static string Unquoted(string wordToComplete) => (wordToComplete ?? "").Trim('\'', '"');
}
