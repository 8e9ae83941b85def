using System.Text.RegularExpressions;
using CityStream.Engine.Internal.Conditions;
using YamlDotNet.RepresentationModel;

namespace CityStream.Engine.Internal.Rules;

/// <summary>Parses and compiles one rule of a pack.</summary>
internal static partial class RuleParser
{
    private static readonly string[] RuleKeys =
        ["id", "kind", "source", "description", "enabled", "where", "key", "severity", "alert", "labels", "max_keys"];

    private static readonly string[] AlertKeys = ["title", "message", "dedup", "suppress", "route"];

    private static readonly Dictionary<string, RuleKind> Kinds = Enum.GetValues<RuleKind>()
        .ToDictionary(k => k.ToString().ToLowerInvariant(), StringComparer.Ordinal);

    public static CompiledRule? Parse(
        YamlNodes nodes,
        YamlMappingNode rule,
        string pack,
        SchemaRegistry schemas,
        IReadOnlyDictionary<string, IReadOnlyList<object>> lists,
        IReadOnlyDictionary<string, MacroDefinition> macros,
        Dictionary<string, YamlNode> ids)
    {
        var errors = nodes.Errors;
        var before = errors.Count;
        nodes.CheckKeys(rule, "a rule", RuleKeys);

        var idNode = YamlNodes.Get(rule, "id");
        var id = nodes.String(idNode, "id");
        if (id is null)
        {
            nodes.Error(rule, "a rule needs an 'id'");
        }
        else if (!RuleId().IsMatch(id))
        {
            nodes.Error(idNode!, $"rule id '{id}' must be lowercase letters, digits, '.', '_' and '-'");
        }
        else if (ids.TryGetValue(id, out var first))
        {
            nodes.Error(idNode!, $"duplicate rule id '{id}' (first defined at line {first.Start.Line})");
        }
        else
        {
            ids[id] = idNode!;
        }

        var kind = ParseKind(nodes, rule);
        var source = ParseSource(nodes, rule, schemas);
        if (nodes.Bool(YamlNodes.Get(rule, "enabled"), "enabled") is false)
        {
            return null;
        }

        if (source is null || kind is null)
        {
            return null;
        }

        var scope = new ConditionScope { Schema = source, Lists = lists, Macros = macros, File = nodes.File };
        CompiledCondition? where = null;
        if (nodes.Scalar(YamlNodes.Get(rule, "where"), "where") is { } whereNode)
        {
            var (line, column) = YamlNodes.TextStart(whereNode);
            where = ConditionCompiler.CompilePredicate(whereNode.Value ?? string.Empty, scope, line, column, errors);
        }

        var key = ParseKey(nodes, YamlNodes.Get(rule, "key"), scope, "key");
        if (YamlNodes.Get(rule, "key") is null)
        {
            key = new KeySelector([(source.KeyField, null, source.KeyField.Name)]);
        }

        var alert = nodes.Mapping(YamlNodes.Get(rule, "alert"), "alert");
        if (alert is null)
        {
            nodes.Error(rule, "a rule needs an 'alert' with at least a 'title'");
        }
        else
        {
            nodes.CheckKeys(alert, "alert", AlertKeys);
        }

        var title = ParseTemplate(nodes, YamlNodes.Get(alert, "title"), source, "alert title");
        if (alert is not null && YamlNodes.Get(alert, "title") is null)
        {
            nodes.Error(alert, "the alert needs a 'title'");
        }

        var message = YamlNodes.Get(alert, "message") is { } messageNode
            ? ParseTemplate(nodes, messageNode, source, "alert message")
            : title;
        var dedup = YamlNodes.Get(alert, "dedup") is { } dedupNode ? ParseKey(nodes, dedupNode, scope, "dedup") : key;
        var suppress = YamlNodes.Get(alert, "suppress") is { } suppressNode ? nodes.Duration(suppressNode, "suppress") : TimeSpan.Zero;
        var (severity, severityExpression) = ParseSeverity(nodes, rule, scope);
        var labels = ParseLabels(nodes, YamlNodes.Get(rule, "labels"));
        var maxKeys = YamlNodes.Get(rule, "max_keys") is { } maxKeysNode ? nodes.Int(maxKeysNode, "max_keys", 1) : 100_000;

        if (errors.Count > before || key is null || dedup is null || title is null || message is null)
        {
            return null;
        }

        var evidence = new List<FieldDefinition>();
        void AddFields(IEnumerable<FieldDefinition>? fields)
        {
            foreach (var f in fields ?? [])
            {
                if (!evidence.Contains(f))
                {
                    evidence.Add(f);
                }
            }
        }

        AddFields(where?.FieldsRead);
        AddFields(key.Fields);
        AddFields(dedup.Fields);
        AddFields(severityExpression?.FieldsRead);
        AddFields(title.Fields);
        AddFields(message.Fields);

        return new CompiledRule
        {
            Id = id!,
            Pack = pack,
            Kind = kind.Value,
            Source = source,
            Description = nodes.String(YamlNodes.Get(rule, "description"), "description"),
            Where = where,
            Key = key,
            Dedup = dedup,
            Severity = severity,
            SeverityExpression = severityExpression,
            Title = title,
            Message = message,
            Suppress = suppress ?? TimeSpan.Zero,
            Route = nodes.String(YamlNodes.Get(alert, "route"), "route"),
            Labels = labels,
            EvidenceFields = evidence,
            MaxKeys = maxKeys ?? 100_000,
            File = nodes.File,
            Line = (int)rule.Start.Line,
        };
    }

    private static RuleKind? ParseKind(YamlNodes nodes, YamlMappingNode rule)
    {
        var node = YamlNodes.Get(rule, "kind");
        var text = nodes.String(node, "kind");
        if (text is null)
        {
            nodes.Error(rule, $"a rule needs a 'kind': one of {string.Join(", ", Kinds.Keys)}");
            return null;
        }

        if (!Kinds.TryGetValue(text, out var kind))
        {
            var hint = Spelling.Nearest(text, Kinds.Keys);
            nodes.Error(node!, $"unknown rule kind '{text}'; expected one of {string.Join(", ", Kinds.Keys)}" + (hint is null ? string.Empty : $" (did you mean '{hint}'?)"));
            return null;
        }

        if (kind != RuleKind.Match)
        {
            nodes.Error(node!, $"rule kind '{text}' is not supported by this version of the engine yet; supported: match");
            return null;
        }

        return kind;
    }

    private static SourceSchema? ParseSource(YamlNodes nodes, YamlMappingNode rule, SchemaRegistry schemas)
    {
        var node = YamlNodes.Get(rule, "source");
        var name = nodes.String(node, "source");
        if (name is null)
        {
            nodes.Error(rule, "a rule needs a 'source'");
            return null;
        }

        var source = schemas.BySource(name);
        if (source is null)
        {
            var names = schemas.Sources.Select(s => s.Name).ToList();
            var hint = Spelling.Nearest(name, names);
            nodes.Error(node!, $"unknown source '{name}'; expected one of {string.Join(", ", names)}" + (hint is null ? string.Empty : $" (did you mean '{hint}'?)"));
        }

        return source;
    }

    private static KeySelector? ParseKey(YamlNodes nodes, YamlNode? node, ConditionScope scope, string what)
    {
        var parts = new List<(FieldDefinition?, CompiledValue?, string)>();
        var ok = true;
        foreach (var scalar in nodes.ScalarList(node, what))
        {
            var text = scalar.Value ?? string.Empty;
            if (scope.Schema.Field(text) is { } field)
            {
                parts.Add((field, null, text));
                continue;
            }

            var (line, column) = YamlNodes.TextStart(scalar);
            var value = ConditionCompiler.CompileValue(text, scope, line, column, nodes.Errors);
            if (value is null)
            {
                ok = false;
            }
            else
            {
                parts.Add((null, value, text));
            }
        }

        if (node is not null && parts.Count == 0 && ok)
        {
            nodes.Error(node, $"{what} must name at least one field or expression");
            return null;
        }

        return ok && parts.Count > 0 ? new KeySelector(parts) : null;
    }

    private static AlertTemplate? ParseTemplate(YamlNodes nodes, YamlNode? node, SourceSchema source, string what)
    {
        if (nodes.Scalar(node, what) is not { } scalar)
        {
            return null;
        }

        var (line, column) = YamlNodes.TextStart(scalar);
        return AlertTemplate.Parse(scalar.Value ?? string.Empty, source, nodes.File, line, column, nodes.Errors);
    }

    private static (string? Constant, CompiledValue? Expression) ParseSeverity(YamlNodes nodes, YamlMappingNode rule, ConditionScope scope)
    {
        var node = YamlNodes.Get(rule, "severity");
        if (node is null)
        {
            return ("medium", null);
        }

        if (nodes.Scalar(node, "severity") is not { } scalar)
        {
            return (null, null);
        }

        var text = scalar.Value ?? string.Empty;
        if (CompiledRule.SeverityLevels.Contains(text))
        {
            return (text, null);
        }

        if (text.All(char.IsAsciiLetterLower))
        {
            nodes.Error(scalar, $"unknown severity '{text}'; expected one of {string.Join(", ", CompiledRule.SeverityLevels)} or an expression");
            return (null, null);
        }

        var (line, column) = YamlNodes.TextStart(scalar);
        var value = ConditionCompiler.CompileValue(text, scope, line, column, nodes.Errors);
        if (value is not null && value.ResultType != FieldType.String)
        {
            nodes.Error(scalar, $"a severity expression must give a string (one of {string.Join(", ", CompiledRule.SeverityLevels)})");
            return (null, null);
        }

        return (null, value);
    }

    private static Dictionary<string, string> ParseLabels(YamlNodes nodes, YamlNode? node)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (nodes.Mapping(node, "labels") is { } mapping)
        {
            foreach (var (key, value) in mapping.Children)
            {
                if (nodes.String(value, "a label value") is { } text)
                {
                    labels[((YamlScalarNode)key).Value ?? string.Empty] = text;
                }
            }
        }

        return labels;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex RuleId();
}
