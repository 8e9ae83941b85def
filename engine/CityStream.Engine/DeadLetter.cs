namespace CityStream.Engine;

/// <summary>
/// An input that could not be processed, kept whole for the dead-letter topic (<c>city.dlq</c>):
/// the original bytes, where they were read from, and why.
/// </summary>
/// <param name="Source">Source name (or the topic when the source is unknown).</param>
/// <param name="Reason">One of <see cref="DeadLetterReasons"/>.</param>
/// <param name="Detail">A human-readable explanation (which field, which value, which row).</param>
/// <param name="Origin">Topic, partition, offset (and Arrow row) of the input.</param>
/// <param name="Payload">The original bytes of the record (for an Arrow row: the whole batch; the row is in <paramref name="Origin"/>).</param>
public sealed record DeadLetter(string Source, string Reason, string Detail, EventOrigin Origin, ReadOnlyMemory<byte> Payload);

/// <summary>Why an input was dead-lettered.</summary>
public static class DeadLetterReasons
{
    /// <summary>The record is not well-formed JSON, or not a JSON object.</summary>
    public const string MalformedJson = "malformed_json";

    /// <summary>The record is not a readable Arrow IPC stream.</summary>
    public const string MalformedArrow = "malformed_arrow";

    /// <summary>The event does not satisfy its source's JSON Schema (missing field, wrong type, value out of range or not in the enum, unknown field).</summary>
    public const string SchemaViolation = "schema_violation";

    /// <summary>The record's <c>content-type</c> header is neither JSON nor Arrow.</summary>
    public const string UnknownContentType = "unknown_content_type";

    /// <summary>The record came from a topic no source schema reads.</summary>
    public const string UnknownSource = "unknown_source";

    /// <summary>The event arrived later than its source's allowed lateness behind the partition's watermark.</summary>
    public const string Late = "late";
}
