using Markdig.Syntax;

namespace GraphSecurity.HelpCompiler;

/// <summary>Reads a platyPS-style cmdlet page (schema 2.0.0 layout) into a <see cref="CommandPage"/>.</summary>
internal static class CommandPageReader
{
    public static CommandPage Read(string markdown)
    {
        var sections = MarkdownText.Sections(MarkdownText.Parse(markdown));
        var page = new CommandPage { Name = sections.FirstOrDefault(s => s.Level == 1)?.Title ?? "" };
        string? h2 = null;
        foreach (var section in sections)
        {
            if (section.Level == 1) continue;
            if (section.Level == 2)
            {
                h2 = section.Title.ToUpperInvariant();
                ReadTopLevel(page, h2, section);
                continue;
            }
            if (section.Level == 3) ReadSubsection(page, h2, section);
        }
        return page;
    }

    private static void ReadTopLevel(CommandPage page, string name, Section section)
    {
        var paragraphs = MarkdownText.Paragraphs(section.Blocks).ToList();
        switch (name)
        {
            case "SYNOPSIS": page.Synopsis = string.Join(" ", paragraphs); break;
            case "DESCRIPTION": page.Description.AddRange(paragraphs); break;
            case "NOTES": page.Notes.AddRange(paragraphs); break;
            case "RELATED LINKS": page.RelatedLinks.AddRange(paragraphs.Select(p => p.TrimStart('-', ' '))); break;
        }
    }

    private static void ReadSubsection(CommandPage page, string? h2, Section section)
    {
        switch (h2)
        {
            case "EXAMPLES":
                var example = new HelpExample { Title = section.Title };
                var code = section.Blocks.OfType<FencedCodeBlock>().FirstOrDefault();
                if (code != null) example.Code = MarkdownText.Code(code);
                example.Remarks.AddRange(MarkdownText.Paragraphs(section.Blocks.Where(b => b != code)));
                page.Examples.Add(example);
                break;
            case "PARAMETERS":
                if (!section.Title.StartsWith("-", StringComparison.Ordinal)) break; // "CommonParameters"
                page.Parameters.Add(ReadParameter(section));
                break;
            case "INPUTS":
            case "OUTPUTS":
                var type = new HelpType { Name = section.Title };
                type.Description.AddRange(MarkdownText.Paragraphs(section.Blocks));
                (h2 == "INPUTS" ? page.Inputs : page.Outputs).Add(type);
                break;
        }
    }

    private static HelpParameter ReadParameter(Section section)
    {
        var parameter = new HelpParameter { Name = section.Title.TrimStart('-') };
        var yaml = section.Blocks.OfType<FencedCodeBlock>().FirstOrDefault(b => (b.Info ?? "").Equals("yaml", StringComparison.OrdinalIgnoreCase));
        parameter.Description.AddRange(MarkdownText.Paragraphs(section.Blocks.Where(b => b != yaml)));
        if (yaml == null) return parameter;
        foreach (var line in MarkdownText.Code(yaml).Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "Type": parameter.Type = value; break;
                case "Parameter Sets":
                    parameter.ParameterSets.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "Aliases": parameter.Aliases = value; break;
                case "Required": parameter.Required = value.StartsWith("True", StringComparison.OrdinalIgnoreCase); break;
                case "Position": parameter.Position = value; break;
                case "Default value": parameter.DefaultValue = value; break;
                case "Accept pipeline input": parameter.PipelineInput = value; break;
                case "Accept wildcard characters": parameter.Wildcards = value.StartsWith("True", StringComparison.OrdinalIgnoreCase); break;
            }
        }
        return parameter;
    }
}
