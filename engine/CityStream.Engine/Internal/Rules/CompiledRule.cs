using CityStream.Engine.Internal.Conditions;

namespace CityStream.Engine.Internal.Rules;

/// <summary>A rule after loading: everything resolved against its source schema, ready for an operator.</summary>
internal sealed class CompiledRule
{
    public static readonly IReadOnlyList<string> SeverityLevels = ["info", "low", "medium", "high", "critical"];

    public required string Id { get; init; }

    public required string Pack { get; init; }

    public required RuleKind Kind { get; init; }

    /// <summary>The inputs of the rule; the first is the primary one (its source's fields fill the templates).</summary>
    public required IReadOnlyList<RuleStep> Steps { get; init; }

    public SourceSchema Source => Steps[0].Source;

    public CompiledCondition? Where => Steps[0].Where;

    public KeySelector Key => Steps[0].Key;

    public string? Description { get; init; }

    public ThresholdSpec? Threshold { get; init; }

    public SpikeSpec? Spike { get; init; }

    public StepsSpec? Within { get; init; }

    public required KeySelector Dedup { get; init; }

    /// <summary>A constant severity, or null when <see cref="SeverityExpression"/> gives it.</summary>
    public string? Severity { get; init; }

    public CompiledValue? SeverityExpression { get; init; }

    public required AlertTemplate Title { get; init; }

    public required AlertTemplate Message { get; init; }

    /// <summary>Whether the title or message uses a kind-specific placeholder (so operators format only what is shown).</summary>
    public bool UsesExtra(string name) => Uses(Title.ExtrasUsed, name) || Uses(Message.ExtrasUsed, name);

    private static bool Uses(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Matches of the same dedup key within one suppression period are one alert (zero: every match is its own alert).</summary>
    public TimeSpan Suppress { get; init; }

    public string? Route { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>Fields whose values go into the alert's evidence: what the condition, key and templates read.</summary>
    public required IReadOnlyList<FieldDefinition> EvidenceFields { get; init; }

    /// <summary>Whether any of the rule's sources has a location (<c>lat</c>); when none has, an alert does not look for one.</summary>
    public bool CanLocate => _canLocate ??= Steps.Any(s => s.Source.LatField is not null);

    private bool? _canLocate;

    /// <summary>
    /// Per source, the fields this rule can still read from an event it keeps in state (evidence, templates, severity,
    /// aggregates, location, grid, district, id, time).
    /// </summary>
    public ulong EvidenceMask(SourceSchema source)
    {
        ulong mask = (1UL << source.IdField.Index) | (1UL << source.TimeField.Index);
        foreach (var name in (string[])["lat", "lon", "grid", "district"])
        {
            if (source.Field(name) is { } field)
            {
                mask |= 1UL << field.Index;
            }
        }

        foreach (var field in EvidenceFields.Concat(Threshold?.Aggregates.Where(a => a.Field is not null).Select(a => a.Field!) ?? []))
        {
            if (ReferenceEquals(field.Owner, source))
            {
                mask |= 1UL << field.Index;
            }
        }

        return mask;
    }

    /// <summary>Events an alert carries as evidence when the rule says nothing (<c>alert.evidence</c>).</summary>
    public const int DefaultMaxEvidence = 10;

    /// <summary>The most <c>alert.evidence</c> may say: a window keeps that many events per key in state.</summary>
    public const int EvidenceLimit = 100;

    /// <summary>
    /// Events an alert carries as evidence at most (<c>alert.evidence</c>): the first ones and the newest. Zero: none, for rules whose
    /// consumers want the finding alone, and whose windows then keep no events in state.
    /// </summary>
    public int MaxEvidence { get; init; } = DefaultMaxEvidence;

    /// <summary>Most dedup entries kept; the oldest are evicted past it.</summary>
    public int MaxKeys { get; init; } = 100_000;

    /// <summary>The rule's YAML and the pack's lists and macros: equal fingerprints mean a reload left the rule as it was, so it keeps its state.</summary>
    public string Fingerprint { get; init; } = string.Empty;

    public required string File { get; init; }

    public required int Line { get; init; }

    public string SeverityFor(CityEvent evt)
    {
        if (Severity is not null)
        {
            return Severity;
        }

        var value = SeverityExpression!.EvaluateAsString(evt);
        foreach (var level in SeverityLevels)
        {
            if (level == value)
            {
                return level;
            }
        }

        return "medium";
    }
}
