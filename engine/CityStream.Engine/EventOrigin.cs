namespace CityStream.Engine;

/// <summary>Where an event was read from: a Kafka topic, partition and offset, or a file and line (partition -1).</summary>
/// <param name="Topic">Kafka topic or input file.</param>
/// <param name="Partition">Kafka partition, or -1 for a file.</param>
/// <param name="Offset">Kafka offset, or the line (row) number in a file.</param>
/// <param name="Row">Row inside an Arrow batch (0 for a single JSON event).</param>
public readonly record struct EventOrigin(string Topic, int Partition, long Offset, int Row = 0)
{
    /// <inheritdoc />
    public override string ToString() => Row == 0 ? $"{Topic}/{Partition}@{Offset}" : $"{Topic}/{Partition}@{Offset}#{Row}";
}
