namespace CityStream.Engine;

/// <summary>
/// A warning raised by a rule, in the one form every sink writes (see <c>schemas/alert.schema.json</c>).
/// Its <see cref="Id"/> is deterministic (rule, key and episode), so writing it twice is one alert.
/// </summary>
public sealed record Alert
{
    /// <summary>Deterministic id: 32 hex digits of a hash of rule id, key and episode.</summary>
    public required string Id { get; init; }

    /// <summary>Id of the rule that raised it.</summary>
    public required string Rule { get; init; }

    /// <summary>Pack of the rule; the alert goes to <c>warnings.&lt;pack&gt;</c>.</summary>
    public required string Pack { get; init; }

    /// <summary>Severity: info, low, medium, high or critical.</summary>
    public required string Severity { get; init; }

    /// <summary>Rendered title.</summary>
    public required string Title { get; init; }

    /// <summary>Rendered message.</summary>
    public required string Message { get; init; }

    /// <summary>The rule's key for this alert.</summary>
    public required string Key { get; init; }

    /// <summary>Event time of the first evidence, epoch ms.</summary>
    public required long FirstEventTime { get; init; }

    /// <summary>Event time of the last evidence, epoch ms.</summary>
    public required long LastEventTime { get; init; }

    /// <summary>Wall-clock emit time, epoch ms.</summary>
    public required long EmitTime { get; init; }

    /// <summary>Location of the evidence, if it had one.</summary>
    public GeoPoint? Location { get; init; }

    /// <summary>Grid cell, if known.</summary>
    public string? Grid { get; init; }

    /// <summary>District, if known.</summary>
    public string? District { get; init; }

    /// <summary>The events that made the alert.</summary>
    public required IReadOnlyList<AlertEvidence> Evidence { get; init; }

    /// <summary>Labels from the rule.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>Department the alert is routed to, if any.</summary>
    public string? Route { get; init; }

    /// <summary>Kafka topic alerts of a pack are written to.</summary>
    public static string TopicFor(string pack) => "warnings." + pack;
}

/// <summary>A WGS84 point.</summary>
/// <param name="Lat">Latitude in degrees.</param>
/// <param name="Lon">Longitude in degrees.</param>
public readonly record struct GeoPoint(double Lat, double Lon);

/// <summary>One event that made an alert, where it was read from, and the field values the rule read.</summary>
public sealed record AlertEvidence
{
    /// <summary>The event's id.</summary>
    public required string EventId { get; init; }

    /// <summary>The event's source name.</summary>
    public required string Source { get; init; }

    /// <summary>Topic or file it was read from.</summary>
    public required string Topic { get; init; }

    /// <summary>Kafka partition, or -1 for a file.</summary>
    public required int Partition { get; init; }

    /// <summary>Kafka offset, or the line in a file.</summary>
    public required long Offset { get; init; }

    /// <summary>The event's time, epoch ms.</summary>
    public required long EventTime { get; init; }

    /// <summary>Values of the fields the rule read (string, long, double or bool).</summary>
    public required IReadOnlyDictionary<string, object?> Fields { get; init; }
}
