namespace CityStream.Engine;

/// <summary>One input record as a host reads it: from a Kafka topic partition, or a line or batch of a file.</summary>
/// <param name="Topic">Source topic (decides the source schema).</param>
/// <param name="Partition">Partition, or -1 for a file.</param>
/// <param name="Offset">Offset, or line number.</param>
/// <param name="Value">The record value: one JSON event or an Arrow IPC batch.</param>
/// <param name="ContentType">The <c>content-type</c> header (null: JSON).</param>
public readonly record struct InputRecord(string Topic, int Partition, long Offset, ReadOnlyMemory<byte> Value, string? ContentType = null);
