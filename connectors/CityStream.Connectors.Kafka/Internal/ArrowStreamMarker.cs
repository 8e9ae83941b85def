namespace CityStream.Connectors.Kafka.Internal;

/// <summary>Recognises an Arrow IPC stream by the continuation marker (0xFFFFFFFF) its first message starts with.</summary>
internal static class ArrowStreamMarker
{
    public static bool IsAtStart(ReadOnlySpan<byte> payload) =>
        payload.Length >= 4 && payload[0] == 0xFF && payload[1] == 0xFF && payload[2] == 0xFF && payload[3] == 0xFF;
}
