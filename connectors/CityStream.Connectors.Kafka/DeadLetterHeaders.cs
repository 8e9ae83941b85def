namespace CityStream.Connectors.Kafka;

/// <summary>Header names of a record in the dead-letter topic (besides <c>content-type</c>, the original record's).</summary>
public static class DeadLetterHeaders
{
    /// <summary>Why it was refused (one of <see cref="Engine.DeadLetterReasons"/>).</summary>
    public const string Reason = "reason";

    /// <summary>A human-readable explanation.</summary>
    public const string Detail = "detail";

    /// <summary>The source name.</summary>
    public const string Source = "source";

    /// <summary>The topic it was read from.</summary>
    public const string Topic = "topic";

    /// <summary>The partition it was read from.</summary>
    public const string Partition = "partition";

    /// <summary>The offset it was read from.</summary>
    public const string Offset = "offset";

    /// <summary>The row inside an Arrow batch (0 for a JSON event).</summary>
    public const string Row = "row";
}
