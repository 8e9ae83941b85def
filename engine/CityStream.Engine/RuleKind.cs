namespace CityStream.Engine;

/// <summary>What a rule finds (see DESIGN.md §5).</summary>
public enum RuleKind
{
    /// <summary>A single event that meets a condition.</summary>
    Match,

    /// <summary>Count, sum, average, minimum, maximum or distinct count over a window per key.</summary>
    Threshold,

    /// <summary>A bucket count far above its seasonal baseline.</summary>
    Spike,

    /// <summary>Ordered steps within a time, same key.</summary>
    Sequence,

    /// <summary>A, not followed by B within a time.</summary>
    Absence,

    /// <summary>N of M different sources within a time and the same key.</summary>
    Correlate,

    /// <summary>An entity staying within a radius for a duration.</summary>
    Dwell,

    /// <summary>Enter, exit or inside a reference zone.</summary>
    Geofence,

    /// <summary>An ML model's score over an entity's features.</summary>
    Score,
}
