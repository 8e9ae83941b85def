using System.Text.RegularExpressions;
using CityStream.Engine.Internal.Conditions;
using YamlDotNet.RepresentationModel;

namespace CityStream.Engine.Internal.Rules;

/// <summary>Parses and compiles one rule of a pack: the common fields here, the kind's own in <see cref="KindParser"/>.</summary>
internal static partial class RuleParser
{
    private static readonly string[] CommonKeys =
        ["id", "kind", "description", "enabled", "severity", "alert", "labels", "max_keys"];

    private static readonly string[] AlertKeys = ["title", "message", "dedup", "suppress", "route", "evidence"];

    public static CompiledRule? Parse(
        YamlNodes nodes,
        YamlMappingNode rule,
        string pack,
        SchemaRegistry schemas,
        IReadOnlyDictionary<string, IReadOnlyList<object>> lists,
        IReadOnlyDictionary<string, MacroDefinition> macros,
        Dictionary<string, YamlNode> ids,
        string packContext = "")
    {
        var errors = nodes.Errors;
        var before = errors.Count;
        var id = ParseId(nodes, rule, ids);
        var kind = KindParser.ParseKind(nodes, rule);
        nodes.CheckKeys(rule, kind is null ? "a rule" : $"a {KindParser.Name(kind.Value)} rule", [.. CommonKeys, .. KindParser.KeysOf(kind)]);
        if (nodes.Bool(YamlNodes.Get(rule, "enabled"), "enabled") is false || kind is null)
        {
            return null;
        }

        var context = new KindContext(nodes, rule, id ?? "invalid", schemas, lists, macros);
        var parsed = KindParser.Parse(context, kind.Value);
        var alert = nodes.Mapping(YamlNodes.Get(rule, "alert"), "alert");
        if (alert is null)
        {
            nodes.Error(rule, "a rule needs an 'alert' with at least a 'title'");
        }
        else
        {
            nodes.CheckKeys(alert, "alert", AlertKeys);
            if (YamlNodes.Get(alert, "title") is null)
            {
                nodes.Error(alert, "the alert needs a 'title'");
            }
        }

        if (parsed is null)
        {
            return null;
        }

        var steps = parsed.Steps;
        var primary = steps[0];
        var extras = parsed.TemplateExtras;

        var title = ParseTemplate(nodes, YamlNodes.Get(alert, "title"), primary.Source, extras, "alert title");
        var message = YamlNodes.Get(alert, "message") is { } messageNode
            ? ParseTemplate(nodes, messageNode, primary.Source, extras, "alert message")
            : title;
        var scope = context.ScopeFor(primary.Source);
        var dedup = YamlNodes.Get(alert, "dedup") is { } dedupNode ? KindParser.ParseKey(nodes, dedupNode, scope, "dedup") : primary.Key;
        var suppress = YamlNodes.Get(alert, "suppress") is { } suppressNode ? nodes.Duration(suppressNode, "suppress") : parsed.DefaultSuppress;
        var (severity, severityExpression) = ParseSeverity(nodes, rule, scope);
        var labels = ParseLabels(nodes, YamlNodes.Get(rule, "labels"));
        var maxKeys = YamlNodes.Get(rule, "max_keys") is { } maxKeysNode ? nodes.Int(maxKeysNode, "max_keys", 1) : 100_000;
        var maxEvidence = ParseMaxEvidence(nodes, alert);

        if (errors.Count > before || id is null || dedup is null || title is null || message is null)
        {
            return null;
        }

        return new CompiledRule
        {
            Id = id,
            Pack = pack,
            Kind = kind.Value,
            Steps = steps,
            Description = nodes.String(YamlNodes.Get(rule, "description"), "description"),
            Threshold = parsed.Threshold,
            Spike = parsed.Spike,
            Within = parsed.Within,
            Dedup = dedup,
            Severity = severity,
            SeverityExpression = severityExpression,
            Title = title,
            Message = message,
            Suppress = suppress ?? TimeSpan.Zero,
            Route = nodes.String(YamlNodes.Get(alert, "route"), "route"),
            Labels = labels,
            EvidenceFields = EvidenceFields(steps, dedup, severityExpression, title, message),
            MaxKeys = maxKeys ?? 100_000,
            MaxEvidence = maxEvidence,
            Fingerprint = pack + "\n" + packContext + "\n" + rule,
            File = nodes.File,
            Line = (int)rule.Start.Line,
        };
    }

    private static int ParseMaxEvidence(YamlNodes nodes, YamlMappingNode? alert)
    {
        if (YamlNodes.Get(alert, "evidence") is not { } node)
        {
            return CompiledRule.DefaultMaxEvidence;
        }

        var max = nodes.Int(node, "alert evidence", 0);
        if (max > CompiledRule.EvidenceLimit)
        {
            nodes.Error(node, $"alert evidence must be at most {CompiledRule.EvidenceLimit} events (a window keeps that many per key in state), not {max}");
        }

        return max ?? CompiledRule.DefaultMaxEvidence;
    }

    private static string? ParseId(YamlNodes nodes, YamlMappingNode rule, Dictionary<string, YamlNode> ids)
    {
        var idNode = YamlNodes.Get(rule, "id");
        var id = nodes.String(idNode, "id");
        if (id is null)
        {
            nodes.Error(rule, "a rule needs an 'id'");
            return null;
        }

        if (!RuleId().IsMatch(id))
        {
            nodes.Error(idNode!, $"rule id '{id}' must be lowercase letters, digits, '.', '_' and '-'");
            return null;
        }

        if (ids.TryGetValue(id, out var first))
        {
            nodes.Error(idNode!, $"duplicate rule id '{id}' (first defined at line {first.Start.Line})");
            return null;
        }

        ids[id] = idNode!;
        return id;
    }

    private static List<FieldDefinition> EvidenceFields(IReadOnlyList<RuleStep> steps, KeySelector dedup, CompiledValue? severity, AlertTemplate title, AlertTemplate message)
    {
        var evidence = new List<FieldDefinition>();
        void Add(IEnumerable<FieldDefinition>? fields)
        {
            foreach (var f in fields ?? [])
            {
                if (!evidence.Contains(f))
                {
                    evidence.Add(f);
                }
            }
        }

        foreach (var step in steps)
        {
            Add(step.Where?.FieldsRead);
            Add(step.Key.Fields);
        }

        Add(dedup.Fields);
        Add(severity?.FieldsRead);
        Add(title.Fields);
        Add(message.Fields);
        return evidence;
    }

    private static AlertTemplate? ParseTemplate(YamlNodes nodes, YamlNode? node, SourceSchema source, IReadOnlyCollection<string> extras, string what)
    {
        if (nodes.Scalar(node, what) is not { } scalar)
        {
            return null;
        }

        var (line, column) = YamlNodes.TextStart(scalar);
        return AlertTemplate.Parse(scalar.Value ?? string.Empty, source, extras, nodes.File, line, column, nodes.Errors);
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

        if (text.All(char.IsAsciiLetter))
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
