namespace CityStream.Engine;

/// <summary>What decoding one or more records gave: the valid events and the dead letters. Reused across batches (call <see cref="Clear"/>).</summary>
public sealed class DecodedBatch
{
    /// <summary>Valid, schema-bound events in input order.</summary>
    public List<CityEvent> Events { get; } = [];

    /// <summary>Inputs that go to the dead-letter topic.</summary>
    public List<DeadLetter> DeadLetters { get; } = [];

    /// <summary>What reading an Arrow record needs only while it is read, kept for the next one.</summary>
    internal Internal.Codec.ArrowScratch ArrowScratch { get; } = new();

    /// <summary>Empties both lists for reuse.</summary>
    public void Clear()
    {
        Events.Clear();
        DeadLetters.Clear();
    }
}
