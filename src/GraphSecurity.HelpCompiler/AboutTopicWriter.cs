using System.Text;
using Markdig.Syntax;

namespace GraphSecurity.HelpCompiler;

/// <summary>Renders an about_ markdown page as the plain-text help Get-Help shows for about topics.</summary>
internal static class AboutTopicWriter
{
    private const int Width = 80;

    public static string Write(string markdown)
    {
        var text = new StringBuilder();
        foreach (var section in MarkdownText.Sections(MarkdownText.Parse(markdown)))
        {
            var indent = section.Level <= 2 ? "" : "  ";
            text.AppendLine(section.Level == 1 ? "TOPIC" : indent + section.Title.ToUpperInvariant());
            if (section.Level == 1) text.AppendLine("    " + section.Title);
            foreach (var block in section.Blocks)
            {
                if (block is FencedCodeBlock code)
                {
                    foreach (var line in MarkdownText.Code(code).Split('\n')) text.AppendLine("        " + line);
                }
                else
                {
                    foreach (var paragraph in MarkdownText.Paragraphs(new[] { block }))
                        foreach (var line in Wrap(paragraph, Width - 4)) text.AppendLine("    " + line);
                }
                text.AppendLine();
            }
            if (section.Blocks.Count == 0) text.AppendLine();
        }
        return text.ToString();
    }

    private static IEnumerable<string> Wrap(string paragraph, int width)
    {
        var line = new StringBuilder();
        foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) yield return line.ToString();
    }
}
