using System.Text.RegularExpressions;
using CityStream.Engine.Internal.Conditions;
using YamlDotNet.RepresentationModel;

namespace CityStream.Engine.Internal.Rules;

/// <summary>What a rule's kind contributes: its inputs, its spec, the extra template placeholders and the default suppression.</summary>
internal sealed record ParsedKind(IReadOnlyList<RuleStep> Steps, IReadOnlyCollection<string> TemplateExtras, TimeSpan DefaultSuppress)
{
    public ThresholdSpec? Threshold { get; init; }

    public SpikeSpec? Spike { get; init; }

    public StepsSpec? Within { get; init; }
}

/// <summary>What parsing a rule's kind needs from the pack.</summary>
internal sealed record KindContext(
    YamlNodes Nodes,
    YamlMappingNode Rule,
    string RuleId,
    SchemaRegistry Schemas,
    IReadOnlyDictionary<string, IReadOnlyList<object>> Lists,
    IReadOnlyDictionary<string, MacroDefinition> Macros)
{
    public ConditionScope ScopeFor(SourceSchema source) => new() { Schema = source, Lists = Lists, Macros = Macros, File = Nodes.File };
}

/// <summary>Parses the kind of a rule and the keys that belong to it.</summary>
internal static partial class KindParser
{
    private static readonly string[] StepKeys = ["name", "source", "where", "key"];
    private static readonly string[] WindowKeys = ["type", "size", "hop"];
    private static readonly string[] AggregateFunctions = ["count", "sum", "avg", "min", "max", "distinct"];
    private static readonly string[] ReservedAggregateNames = ["id", "ts", "key", "window_start", "window_end"];

    private static readonly Dictionary<string, RuleKind> Kinds = Enum.GetValues<RuleKind>().ToDictionary(Name, StringComparer.Ordinal);

    private static readonly Dictionary<RuleKind, string[]> Keys = new()
    {
        [RuleKind.Match] = ["source", "where", "key"],
        [RuleKind.Threshold] = ["source", "where", "key", "window", "aggregate", "having"],
        [RuleKind.Spike] = ["source", "where", "key", "bucket", "season", "history", "method", "threshold", "min_count"],
        [RuleKind.Absence] = ["source", "where", "key", "expect", "within"],
        [RuleKind.Sequence] = ["steps", "within"],
        [RuleKind.Correlate] = ["sources", "within", "min_sources"],
    };

    private static readonly RuleKind[] Supported = [.. Keys.Keys];

    public static string Name(RuleKind kind) => kind.ToString().ToLowerInvariant();

    public static IReadOnlyList<string> KeysOf(RuleKind? kind) =>
        kind is { } k && Keys.TryGetValue(k, out var keys) ? keys : [.. Keys.Values.SelectMany(v => v).Distinct()];

    public static RuleKind? ParseKind(YamlNodes nodes, YamlMappingNode rule)
    {
        var node = YamlNodes.Get(rule, "kind");
        var text = nodes.String(node, "kind");
        if (text is null)
        {
            nodes.Error(rule, $"a rule needs a 'kind': one of {string.Join(", ", Supported.Select(Name))}");
            return null;
        }

        if (!Kinds.TryGetValue(text, out var kind))
        {
            var hint = Suggestions.Nearest(text, Kinds.Keys);
            nodes.Error(node!, $"unknown rule kind '{text}'; expected one of {string.Join(", ", Supported.Select(Name))}" + (hint is null ? string.Empty : $" (did you mean '{hint}'?)"));
            return null;
        }

        if (!Keys.ContainsKey(kind))
        {
            nodes.Error(node!, $"rule kind '{text}' is not supported by this version of the engine yet; supported: {string.Join(", ", Supported.Select(Name))}");
            return null;
        }

        return kind;
    }

    public static ParsedKind? Parse(KindContext context, RuleKind kind)
    {
        var nodes = context.Nodes;
        var rule = context.Rule;
        var before = nodes.Errors.Count;
        ParsedKind? parsed = kind switch
        {
            RuleKind.Match => Single(context) is { } step ? new ParsedKind([step], [], TimeSpan.Zero) : null,
            RuleKind.Threshold => ParseThreshold(context),
            RuleKind.Spike => ParseSpike(context),
            RuleKind.Absence => ParseAbsence(context),
            RuleKind.Sequence => ParseSteps(context, "steps", "sequence", RuleKind.Sequence),
            RuleKind.Correlate => ParseSteps(context, "sources", "correlate", RuleKind.Correlate),
            _ => null,
        };
        return nodes.Errors.Count > before ? null : parsed;
    }

    private static RuleStep? Single(KindContext context) => ParseStep(context, context.Rule, "main", requireWhere: false);

    private static RuleStep? ParseStep(KindContext context, YamlMappingNode mapping, string defaultName, bool requireWhere)
    {
        var nodes = context.Nodes;
        var sourceNode = YamlNodes.Get(mapping, "source");
        var sourceName = nodes.String(sourceNode, "source");
        if (sourceName is null)
        {
            nodes.Error(mapping, "needs a 'source'");
            return null;
        }

        var source = context.Schemas.BySource(sourceName);
        if (source is null)
        {
            var names = context.Schemas.Sources.Select(s => s.Name).ToList();
            var hint = Suggestions.Nearest(sourceName, names);
            nodes.Error(sourceNode!, $"unknown source '{sourceName}'; expected one of {string.Join(", ", names)}" + (hint is null ? string.Empty : $" (did you mean '{hint}'?)"));
            return null;
        }

        var scope = context.ScopeFor(source);
        CompiledCondition? where = null;
        if (nodes.Scalar(YamlNodes.Get(mapping, "where"), "where") is { } whereNode)
        {
            var (line, column) = YamlNodes.TextStart(whereNode);
            where = ConditionCompiler.CompilePredicate(whereNode.Value ?? string.Empty, scope, line, column, nodes.Errors);
        }
        else if (requireWhere)
        {
            nodes.Error(mapping, "needs a 'where' condition");
        }

        var key = YamlNodes.Get(mapping, "key") is { } keyNode
            ? ParseKey(nodes, keyNode, scope, "key")
            : new KeySelector([(source.KeyField, null, source.KeyField.Name)]);
        var name = nodes.String(YamlNodes.Get(mapping, "name"), "name") ?? defaultName;
        return key is null ? null : new RuleStep(name, source, where, key);
    }

    public static KeySelector? ParseKey(YamlNodes nodes, YamlNode node, ConditionScope scope, string what)
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

        if (parts.Count == 0 && ok)
        {
            nodes.Error(node, $"{what} must name at least one field or expression");
            return null;
        }

        return ok ? new KeySelector(parts) : null;
    }

    private static ParsedKind? ParseThreshold(KindContext context)
    {
        var nodes = context.Nodes;
        var step = Single(context);
        var window = ParseWindow(nodes, YamlNodes.Get(context.Rule, "window"), context.Rule);
        var aggregates = new List<AggregateSpec>();
        var aggregateNode = nodes.Mapping(YamlNodes.Get(context.Rule, "aggregate"), "aggregate");
        if (aggregateNode is null)
        {
            nodes.Error(context.Rule, "a threshold rule needs 'aggregate', e.g. { tickets: count(), callers: distinct(caller_id) }");
        }
        else if (step is not null)
        {
            foreach (var (keyNode, valueNode) in aggregateNode.Children)
            {
                var name = ((YamlScalarNode)keyNode).Value ?? string.Empty;
                if (ReservedAggregateNames.Contains(name) || !Identifier().IsMatch(name))
                {
                    nodes.Error(keyNode, $"'{name}' cannot name an aggregate (use a plain name other than {string.Join(", ", ReservedAggregateNames)})");
                    continue;
                }

                if (ParseAggregate(nodes, name, valueNode, step.Source, ReservedAggregateNames.Length + aggregates.Count) is { } aggregate)
                {
                    aggregates.Add(aggregate);
                }
            }
        }

        var havingNode = nodes.Scalar(YamlNodes.Get(context.Rule, "having"), "having");
        if (havingNode is null)
        {
            nodes.Error(context.Rule, "a threshold rule needs 'having', a condition on its aggregates, e.g. tickets >= 5");
        }

        if (step is null || window is null || havingNode is null || aggregates.Count == 0)
        {
            return null;
        }

        var schema = AggregateSchemas.For(context.RuleId, [.. aggregates.Select(a => a.Name)]);
        var (line, column) = YamlNodes.TextStart(havingNode);
        var having = ConditionCompiler.CompilePredicate(havingNode.Value ?? string.Empty, new ConditionScope { Schema = schema, Lists = context.Lists, File = nodes.File }, line, column, nodes.Errors);
        if (having is null)
        {
            return null;
        }

        var (type, size, hop) = window.Value;
        var spec = new ThresholdSpec(type, size, hop, aggregates, schema, having);
        var extras = aggregates.Select(a => a.Name).Concat(["window_start", "window_end"]).ToList();
        return new ParsedKind([step], extras, type == WindowType.Sliding ? size : TimeSpan.Zero) { Threshold = spec };
    }

    private static (WindowType, TimeSpan, TimeSpan)? ParseWindow(YamlNodes nodes, YamlNode? node, YamlMappingNode rule)
    {
        switch (node)
        {
            case null:
                nodes.Error(rule, "a threshold rule needs a 'window': a duration (sliding) or { type: tumbling|hopping|sliding, size: 1h, hop: 15m }");
                return null;
            case YamlScalarNode:
                return nodes.Duration(node, "window") is { } sliding ? (WindowType.Sliding, sliding, TimeSpan.Zero) : null;
        }

        if (nodes.Mapping(node, "window") is not { } mapping)
        {
            return null;
        }

        nodes.CheckKeys(mapping, "window", WindowKeys);
        var size = nodes.Duration(YamlNodes.Get(mapping, "size"), "window size");
        if (YamlNodes.Get(mapping, "size") is null)
        {
            nodes.Error(mapping, "the window needs a 'size'");
        }

        var hop = YamlNodes.Get(mapping, "hop") is { } hopNode ? nodes.Duration(hopNode, "window hop") : null;
        var typeNode = YamlNodes.Get(mapping, "type");
        var typeText = nodes.String(typeNode, "window type") ?? (hop is null ? "tumbling" : "hopping");
        WindowType type;
        switch (typeText)
        {
            case "tumbling":
                type = WindowType.Tumbling;
                break;
            case "hopping":
                type = WindowType.Hopping;
                break;
            case "sliding":
                type = WindowType.Sliding;
                break;
            default:
                nodes.Error(typeNode!, $"unknown window type '{typeText}'; expected tumbling, hopping or sliding");
                return null;
        }

        if (size is null)
        {
            return null;
        }

        if (type == WindowType.Hopping)
        {
            if (hop is null)
            {
                nodes.Error(mapping, "a hopping window needs a 'hop'");
                return null;
            }

            if (hop > size || size.Value.Ticks / hop.Value.Ticks > 100)
            {
                nodes.Error(YamlNodes.Get(mapping, "hop")!, "the hop must be at most the size and at least 1/100 of it");
                return null;
            }
        }

        return (type, size.Value, hop ?? size.Value);
    }

    private static AggregateSpec? ParseAggregate(YamlNodes nodes, string name, YamlNode node, SourceSchema source, int slot)
    {
        var text = nodes.String(node, $"aggregate '{name}'");
        if (text is null)
        {
            return null;
        }

        var match = AggregateCall().Match(text);
        if (!match.Success || !AggregateFunctions.Contains(match.Groups[1].Value))
        {
            nodes.Error(node, $"aggregate '{name}': '{text}' is not one of count(), sum(field), avg(field), min(field), max(field), distinct(field)");
            return null;
        }

        var function = match.Groups[1].Value;
        var fieldName = match.Groups[2].Value;
        if (function == "count")
        {
            if (fieldName.Length > 0)
            {
                nodes.Error(node, $"aggregate '{name}': count() takes no field");
                return null;
            }

            return new AggregateSpec(name, function, null, slot);
        }

        var field = source.Field(fieldName);
        if (field is null)
        {
            var hint = Suggestions.Nearest(fieldName, source.Fields.Select(f => f.Name));
            nodes.Error(node, $"aggregate '{name}': unknown field '{fieldName}' of source {source.Name}" + (hint is null ? string.Empty : $"; did you mean '{hint}'?"));
            return null;
        }

        if (function != "distinct" && !field.IsNumeric)
        {
            nodes.Error(node, $"aggregate '{name}': {function}() needs a number field, but '{fieldName}' is a string");
            return null;
        }

        return new AggregateSpec(name, function, field, slot);
    }

    private static ParsedKind? ParseSpike(KindContext context)
    {
        var nodes = context.Nodes;
        var rule = context.Rule;
        var step = Single(context);
        var bucket = nodes.Duration(YamlNodes.Get(rule, "bucket"), "bucket");
        if (YamlNodes.Get(rule, "bucket") is null)
        {
            nodes.Error(rule, "a spike rule needs a 'bucket' duration, e.g. 1h");
        }

        var season = YamlNodes.Get(rule, "season") is { } seasonNode ? nodes.Duration(seasonNode, "season") : TimeSpan.FromDays(1);
        var history = YamlNodes.Get(rule, "history") is { } historyNode ? nodes.Int(historyNode, "history", 2) : 7;
        var methodNode = YamlNodes.Get(rule, "method");
        var method = nodes.String(methodNode, "method") ?? "robust_z";
        if (method is not ("robust_z" or "ewma"))
        {
            nodes.Error(methodNode!, $"unknown spike method '{method}'; expected robust_z or ewma");
        }

        var threshold = YamlNodes.Get(rule, "threshold") is { } thresholdNode ? nodes.Number(thresholdNode, "threshold") : 3.5;
        var minCount = YamlNodes.Get(rule, "min_count") is { } minNode ? nodes.Int(minNode, "min_count", 1) : 5;
        if (bucket is not null && season is not null && (season.Value.Ticks % bucket.Value.Ticks != 0 || season < bucket))
        {
            nodes.Error(YamlNodes.Get(rule, "season") ?? rule, "the season must be a whole number of buckets");
        }

        if (step is null || bucket is null || season is null || history is null || threshold is null || minCount is null)
        {
            return null;
        }

        var spec = new SpikeSpec(bucket.Value, season.Value, history.Value, method, threshold.Value, minCount.Value);
        return new ParsedKind([step], ["count", "baseline", "score"], TimeSpan.Zero) { Spike = spec };
    }

    private static ParsedKind? ParseAbsence(KindContext context)
    {
        var nodes = context.Nodes;
        var first = ParseStep(context, context.Rule, "trigger", requireWhere: false);
        RuleStep? expected = null;
        if (nodes.Mapping(YamlNodes.Get(context.Rule, "expect"), "expect") is { } expect)
        {
            nodes.CheckKeys(expect, "expect", StepKeys);
            expected = ParseStep(context, expect, "expected", requireWhere: false);
        }
        else
        {
            nodes.Error(context.Rule, "an absence rule needs 'expect': the { source, where, key } that should follow");
        }

        var within = ParseWithin(context);
        if (first is null || expected is null || within is null)
        {
            return null;
        }

        return new ParsedKind([first, expected], ["within"], TimeSpan.Zero) { Within = new StepsSpec(within.Value, 2) };
    }

    private static ParsedKind? ParseSteps(KindContext context, string listKey, string what, RuleKind kind)
    {
        var nodes = context.Nodes;
        var steps = new List<RuleStep>();
        if (YamlNodes.Get(context.Rule, listKey) is not YamlSequenceNode list)
        {
            nodes.Error(YamlNodes.Get(context.Rule, listKey) ?? context.Rule, $"a {what} rule needs '{listKey}': a list of at least two {{ source, where, key }}");
            return null;
        }

        var index = 0;
        foreach (var item in list)
        {
            index++;
            if (nodes.Mapping(item, $"an item of '{listKey}'") is not { } mapping)
            {
                continue;
            }

            nodes.CheckKeys(mapping, $"an item of '{listKey}'", StepKeys);
            if (ParseStep(context, mapping, $"{listKey}{index}", requireWhere: false) is { } step)
            {
                steps.Add(step);
            }
        }

        if (list.Children.Count < 2)
        {
            nodes.Error(list, $"'{listKey}' needs at least two items");
        }

        var within = ParseWithin(context);
        var minSources = list.Children.Count;
        if (kind == RuleKind.Correlate && YamlNodes.Get(context.Rule, "min_sources") is { } minNode)
        {
            minSources = nodes.Int(minNode, "min_sources", 2) ?? minSources;
            if (minSources > list.Children.Count)
            {
                nodes.Error(minNode, $"min_sources is {minSources} but only {list.Children.Count} sources are listed");
            }
        }

        if (within is null || steps.Count < 2)
        {
            return null;
        }

        string[] extras = kind == RuleKind.Correlate ? ["sources", "count", "within"] : ["steps", "within"];
        return new ParsedKind(steps, extras, TimeSpan.Zero) { Within = new StepsSpec(within.Value, minSources) };
    }

    private static TimeSpan? ParseWithin(KindContext context)
    {
        var node = YamlNodes.Get(context.Rule, "within");
        if (node is null)
        {
            context.Nodes.Error(context.Rule, "needs 'within', a duration such as 30m or 24h");
            return null;
        }

        return context.Nodes.Duration(node, "within");
    }

    [GeneratedRegex(@"^\s*([a-z_]+)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)?\s*\)\s*$")]
    private static partial Regex AggregateCall();

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex Identifier();
}
