using System.Globalization;
using System.Text.RegularExpressions;
using CityStream.Engine.Internal.Conditions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CityStream.Engine.Internal.Rules;

/// <summary>Reads a YAML rule pack and compiles it against the source schemas, collecting every error with its position.</summary>
internal static partial class PackCompiler
{
    private static readonly string[] PackKeys = ["pack", "description", "lists", "macros", "rules"];

    public static RulePack? Compile(string file, string yaml, SchemaRegistry schemas, ICollection<RuleError> errors)
    {
        var before = errors.Count;
        var nodes = new YamlNodes(file, errors);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            // YamlDotNet reports a tab in indentation at the token before it; the tab itself is at the end mark.
            var message = ex.InnerException?.Message ?? ex.Message;
            nodes.Error(message.Contains("tab", StringComparison.OrdinalIgnoreCase) ? ex.End : ex.Start, "YAML syntax error: " + message);
            return null;
        }
        catch (InvalidOperationException)
        {
            // Some malformed flow collections (an unclosed '[' before the next key) surface as this rather than a
            // YamlException, without a position: find the unclosed bracket with the event parser.
            var (mark, message) = UnclosedFlowCollection(yaml);
            nodes.Error(mark, "YAML syntax error: " + message);
            return null;
        }

        if (stream.Documents.Count != 1 || nodes.Mapping(stream.Documents[0].RootNode, "a rule pack") is not { } root)
        {
            errors.Add(new RuleError(file, 1, 1, "a rule pack must be one YAML mapping with 'pack' and 'rules'"));
            return null;
        }

        nodes.CheckKeys(root, "the pack", PackKeys);
        var name = nodes.String(YamlNodes.Get(root, "pack"), "pack");
        if (name is null)
        {
            nodes.Error(root, "the pack has no 'pack' name");
        }
        else if (!PackName().IsMatch(name))
        {
            nodes.Error(YamlNodes.Get(root, "pack")!, $"pack name '{name}' must be lowercase letters, digits and '-' (it names the warnings.<pack> topic)");
        }

        var lists = ReadLists(nodes, YamlNodes.Get(root, "lists"));
        var macros = ReadMacros(nodes, YamlNodes.Get(root, "macros"));
        var rules = new List<CompiledRule>();
        var packContext = $"{YamlNodes.Get(root, "lists")}\n{YamlNodes.Get(root, "macros")}";
        if (YamlNodes.Get(root, "rules") is not YamlSequenceNode ruleNodes)
        {
            nodes.Error(YamlNodes.Get(root, "rules") ?? root, "the pack needs 'rules': a list of rules");
        }
        else
        {
            var ids = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var ruleNode in ruleNodes)
            {
                if (nodes.Mapping(ruleNode, "a rule") is not { } mapping)
                {
                    continue;
                }

                var rule = RuleParser.Parse(nodes, mapping, name ?? "invalid", schemas, lists, macros, ids, packContext);
                if (rule is not null)
                {
                    rules.Add(rule);
                }
            }
        }

        if (errors.Count > before || name is null)
        {
            return null;
        }

        return new RulePack(name, file, nodes.String(YamlNodes.Get(root, "description"), "description"), rules);
    }

    private static Dictionary<string, IReadOnlyList<object>> ReadLists(YamlNodes nodes, YamlNode? node)
    {
        var lists = new Dictionary<string, IReadOnlyList<object>>(StringComparer.Ordinal);
        if (nodes.Mapping(node, "lists") is not { } mapping)
        {
            return lists;
        }

        foreach (var (key, value) in mapping.Children)
        {
            var listName = ((YamlScalarNode)key).Value ?? string.Empty;
            if (value is not YamlSequenceNode sequence)
            {
                nodes.Error(value, $"list '{listName}' must be a YAML sequence, e.g. [a, b]");
                continue;
            }

            var items = new List<object>();
            foreach (var item in sequence)
            {
                if (nodes.Scalar(item, $"an item of list '{listName}'") is not { } scalar)
                {
                    continue;
                }

                var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
                if (plain && long.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
                {
                    items.Add(l);
                }
                else if (plain && double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                {
                    items.Add(d);
                }
                else
                {
                    items.Add(scalar.Value ?? string.Empty);
                }
            }

            if (items.Count > 1 && items.Any(i => i is string) && items.Any(i => i is not string))
            {
                nodes.Error(value, $"list '{listName}' mixes strings and numbers; quote the numbers or remove the strings");
            }

            lists[listName] = items;
        }

        return lists;
    }

    private static Dictionary<string, MacroDefinition> ReadMacros(YamlNodes nodes, YamlNode? node)
    {
        var macros = new Dictionary<string, MacroDefinition>(StringComparer.Ordinal);
        if (nodes.Mapping(node, "macros") is not { } mapping)
        {
            return macros;
        }

        foreach (var (key, value) in mapping.Children)
        {
            var macroName = ((YamlScalarNode)key).Value ?? string.Empty;
            if (nodes.Scalar(value, $"macro '{macroName}'") is { } scalar)
            {
                var (line, column) = YamlNodes.TextStart(scalar);
                macros[macroName] = new MacroDefinition(macroName, scalar.Value ?? string.Empty, line, column);
            }
        }

        return macros;
    }

    private static (Mark Mark, string Message) UnclosedFlowCollection(string yaml)
    {
        var open = new Stack<YamlDotNet.Core.Events.ParsingEvent>();
        var last = Mark.Empty;
        var parser = new YamlDotNet.Core.Parser(new StringReader(yaml));
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                last = current.Start;
                switch (current)
                {
                    case YamlDotNet.Core.Events.SequenceStart { Style: YamlDotNet.Core.Events.SequenceStyle.Flow }:
                    case YamlDotNet.Core.Events.MappingStart { Style: YamlDotNet.Core.Events.MappingStyle.Flow }:
                        open.Push(current);
                        break;
                    case YamlDotNet.Core.Events.SequenceEnd or YamlDotNet.Core.Events.MappingEnd when open.Count > 0:
                        open.Pop();
                        break;
                }
            }
        }
        catch (YamlException ex)
        {
            return (ex.Start, ex.InnerException?.Message ?? ex.Message);
        }
        catch (InvalidOperationException)
        {
        }

        return open.TryPeek(out var unclosed)
            ? (unclosed.Start, $"this '{(unclosed is YamlDotNet.Core.Events.SequenceStart ? '[' : '{')}' is never closed")
            : (last, "the YAML is not well-formed here");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex PackName();
}
