using CityStream.Engine;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>Dead letters decoded from a record whose bytes sit in a buffer the consumer reuses for the next poll.</summary>
internal static class DeadLetterPayloads
{
    /// <summary>
    /// Gives every letter its own copy of the bytes it carries, before the letters are held for the sinks: the letters that carry the
    /// whole <paramref name="record"/> (rows of one Arrow batch) share one copy.
    /// </summary>
    public static void CopyOut(List<DeadLetter> letters, ReadOnlyMemory<byte> record)
    {
        byte[]? copy = null;
        for (var i = 0; i < letters.Count; i++)
        {
            var carried = letters[i].Payload;
            letters[i] = letters[i] with { Payload = carried.Equals(record) ? copy ??= record.ToArray() : carried.ToArray() };
        }
    }
}
