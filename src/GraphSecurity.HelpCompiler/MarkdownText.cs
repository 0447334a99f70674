using System.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace GraphSecurity.HelpCompiler;

/// <summary>Markdown parsing shared by command pages and about topics.</summary>
internal static class MarkdownText
{
    public static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseYamlFrontMatter().UsePipeTables().Build();

    public static MarkdownDocument Parse(string markdown) => Markdown.Parse(markdown, Pipeline);

    /// <summary>The plain text of inline content: code spans keep their text, links their label.</summary>
    public static string Inline(ContainerInline? inline)
    {
        if (inline == null) return "";
        var text = new StringBuilder();
        Append(inline, text);
        return text.ToString().Trim();
    }

    private static void Append(Inline inline, StringBuilder text)
    {
        switch (inline)
        {
            case LiteralInline literal: text.Append(literal.Content.ToString()); break;
            case CodeInline code: text.Append(code.Content); break;
            case LineBreakInline: text.Append(' '); break;
            case HtmlEntityInline entity: text.Append(entity.Transcoded.ToString()); break;
            case ContainerInline container:
                foreach (var child in container) Append(child, text);
                break;
        }
    }

    public static string Code(LeafBlock block) => string.Join("\n", block.Lines.Lines.Take(block.Lines.Count).Select(l => l.ToString())).TrimEnd();

    /// <summary>Paragraphs, list items and code of a run of blocks, as plain-text paragraphs.</summary>
    public static IEnumerable<string> Paragraphs(IEnumerable<Block> blocks)
    {
        foreach (var block in blocks)
        {
            switch (block)
            {
                case ParagraphBlock paragraph: yield return Inline(paragraph.Inline); break;
                case FencedCodeBlock fenced: yield return Code(fenced); break;
                case ListBlock list:
                    foreach (var item in list.OfType<ListItemBlock>())
                        yield return "- " + string.Join(" ", Paragraphs(item));
                    break;
                case Markdig.Extensions.Tables.Table table:
                    foreach (var row in table.OfType<Markdig.Extensions.Tables.TableRow>())
                        yield return string.Join(" | ", row.OfType<Markdig.Extensions.Tables.TableCell>().Select(c => string.Join(" ", Paragraphs(c))));
                    break;
                case QuoteBlock quote:
                    foreach (var p in Paragraphs(quote)) yield return p;
                    break;
            }
        }
    }

    /// <summary>Splits a document into (heading, level, blocks under it) sections.</summary>
    public static List<Section> Sections(MarkdownDocument document)
    {
        var sections = new List<Section>();
        Section? current = null;
        foreach (var block in document)
        {
            if (block is HeadingBlock heading)
            {
                current = new Section(heading.Level, Inline(heading.Inline));
                sections.Add(current);
            }
            else if (current != null && block is not Markdig.Extensions.Yaml.YamlFrontMatterBlock)
            {
                current.Blocks.Add(block);
            }
        }
        return sections;
    }
}

internal sealed class Section
{
    public Section(int level, string title) { Level = level; Title = title; }
    public int Level { get; }
    public string Title { get; }
    public List<Block> Blocks { get; } = new();
}
