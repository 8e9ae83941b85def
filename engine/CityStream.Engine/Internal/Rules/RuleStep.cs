using CityStream.Engine.Internal.Conditions;

namespace CityStream.Engine.Internal.Rules;

/// <summary>One input of a rule: the events of a source that meet a condition, keyed. Single-source kinds have one step; absence, sequence and correlate have several.</summary>
internal sealed record RuleStep(string Name, SourceSchema Source, CompiledCondition? Where, KeySelector Key)
{
    public bool Accepts(CityEvent evt) => ReferenceEquals(evt.Schema, Source) && (Where is null || Where.Evaluate(evt));
}

/// <summary>How a threshold window moves.</summary>
internal enum WindowType
{
    /// <summary>Fixed, non-overlapping windows aligned to the epoch.</summary>
    Tumbling,

    /// <summary>Fixed windows of a size that start every hop.</summary>
    Hopping,

    /// <summary>The window of the given size that ends at each event.</summary>
    Sliding,
}

/// <summary>An aggregate of a threshold rule, e.g. <c>callers: distinct(caller_id)</c>.</summary>
internal sealed record AggregateSpec(string Name, string Function, FieldDefinition? Field, int Slot);

/// <summary>The window, aggregates and condition of a <c>threshold</c> rule.</summary>
internal sealed record ThresholdSpec(WindowType Window, TimeSpan Size, TimeSpan Hop, IReadOnlyList<AggregateSpec> Aggregates, SourceSchema AggregateSchema, CompiledCondition Having);

/// <summary>The bucketing and baseline of a <c>spike</c> rule.</summary>
internal sealed record SpikeSpec(TimeSpan Bucket, TimeSpan Season, int History, string Method, double Threshold, int MinCount);

/// <summary>Time limits of the multi-step kinds (absence, sequence, correlate).</summary>
internal sealed record StepsSpec(TimeSpan Within, int MinSources);
