using System.Diagnostics.CodeAnalysis;

namespace CityStream.Engine;

/// <summary>
/// A warning raised by a rule, in the one form every sink writes (see <c>schemas/alert.schema.json</c>).
/// Its <see cref="Id"/> is deterministic (rule, key and episode), so writing it twice is one alert.
/// </summary>
/// <remarks>
/// An alert the engine raises renders its <see cref="Title"/>, <see cref="Message"/> and <see cref="Evidence"/>
/// the first time they are read (by a sink, as a rule runs far more often than a person reads), from values
/// captured when it was raised; reading them gives the same text whenever it happens.
/// </remarks>
public sealed record Alert
{
    private string? _title;
    private string? _message;
    private IReadOnlyList<AlertEvidence>? _evidence;

    /// <summary>Creates an empty alert, to be filled with the initialisers.</summary>
    public Alert()
    {
    }

    // Title, Message and Evidence are left unset on purpose: their getters render them from the content.
#pragma warning disable CS8618
    [SetsRequiredMembers]
    internal Alert(string id, string rule, string pack, string severity, string key, IReadOnlyDictionary<string, string> labels, Internal.Runtime.AlertContent content)
    {
        Id = id;
        Rule = rule;
        Pack = pack;
        Severity = severity;
        Key = key;
        Labels = labels;
        Content = content;
    }
#pragma warning restore CS8618

    /// <summary>Deterministic id: 32 hex digits of a hash of rule id, key and episode.</summary>
    public required string Id { get; init; }

    /// <summary>Id of the rule that raised it.</summary>
    public required string Rule { get; init; }

    /// <summary>Pack of the rule; the alert goes to <c>warnings.&lt;pack&gt;</c>.</summary>
    public required string Pack { get; init; }

    /// <summary>Severity: info, low, medium, high or critical.</summary>
    public required string Severity { get; init; }

    /// <summary>Rendered title.</summary>
    public required string Title
    {
        get => _title ??= Content!.RenderTitle();
        init => _title = value;
    }

    /// <summary>Rendered message.</summary>
    public required string Message
    {
        get => _message ??= Content!.MessageIsTitle ? Title : Content.RenderMessage();
        init => _message = value;
    }

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
    public required IReadOnlyList<AlertEvidence> Evidence
    {
        get => _evidence ??= Content!.BuildEvidence();
        init => _evidence = value;
    }

    /// <summary>Labels from the rule.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>Department the alert is routed to, if any.</summary>
    public string? Route { get; init; }

    /// <summary>Kafka topic alerts of a pack are written to.</summary>
    public static string TopicFor(string pack) => "warnings." + pack;

    /// <summary>What the unread parts are rendered from; null once built from initialisers or JSON.</summary>
    internal Internal.Runtime.AlertContent? Content { get; }

    /// <summary>Whether the title is still to be rendered from <see cref="Content"/> (a writer may then render it without keeping a string).</summary>
    internal bool TextUnrendered => _title is null && _message is null && Content is not null;

    /// <inheritdoc />
    public bool Equals(Alert? other) =>
        other is not null
        && string.Equals(Id, other.Id, StringComparison.Ordinal)
        && string.Equals(Rule, other.Rule, StringComparison.Ordinal)
        && string.Equals(Pack, other.Pack, StringComparison.Ordinal)
        && string.Equals(Severity, other.Severity, StringComparison.Ordinal)
        && string.Equals(Title, other.Title, StringComparison.Ordinal)
        && string.Equals(Message, other.Message, StringComparison.Ordinal)
        && string.Equals(Key, other.Key, StringComparison.Ordinal)
        && FirstEventTime == other.FirstEventTime
        && LastEventTime == other.LastEventTime
        && EmitTime == other.EmitTime
        && Location == other.Location
        && string.Equals(Grid, other.Grid, StringComparison.Ordinal)
        && string.Equals(District, other.District, StringComparison.Ordinal)
        && string.Equals(Route, other.Route, StringComparison.Ordinal)
        && ReferenceEquals(Evidence, other.Evidence)
        && ReferenceEquals(Labels, other.Labels);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Id);
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
