using GraphSecurity.HelpCompiler;

// Usage: GraphSecurity.HelpCompiler <docs folder> <output folder> <help file name>
// Compiles docs/commands/*.md into <output>/<help file name> (MAML) and docs/about_*.md into
// <output>/about_*.help.txt.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: GraphSecurity.HelpCompiler <docs folder> <output folder> <help file name>");
    return 2;
}
var (docs, output, helpFile) = (args[0], args[1], args[2]);
Directory.CreateDirectory(output);

var commandFolder = Path.Combine(docs, "commands");
var pages = Directory.Exists(commandFolder)
    ? Directory.GetFiles(commandFolder, "*.md").OrderBy(f => f, StringComparer.Ordinal).Select(f => CommandPageReader.Read(File.ReadAllText(f))).ToList()
    : new List<CommandPage>();
MamlWriter.Write(pages).Save(Path.Combine(output, helpFile));

var topics = Directory.GetFiles(docs, "about_*.md");
foreach (var topic in topics)
    File.WriteAllText(Path.Combine(output, Path.GetFileNameWithoutExtension(topic) + ".help.txt"), AboutTopicWriter.Write(File.ReadAllText(topic)));

Console.WriteLine($"Help: {pages.Count} command pages, {topics.Length} about topics -> {output}");
return 0;
