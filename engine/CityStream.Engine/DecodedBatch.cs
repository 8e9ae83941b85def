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

    private readonly List<(SourceSchema Schema, Stack<CityEvent> Free)> _free = [];
    private SourceSchema? _lastSchema;
    private Stack<CityEvent>? _lastFree;

    /// <summary>
    /// Returns the events nothing kept (<see cref="CityEvent.Reusable"/>) to be filled again by the next records decoded into this
    /// batch: a host that runs each batch through the rules before it decodes the next calls it, sparing an event and its slots per
    /// decoded event (a quarter of what the Kafka host allocated per event on the peers' rule, benchmarks/RESULTS.md round 9).
    /// </summary>
    internal void RecycleEvents()
    {
        foreach (var evt in Events)
        {
            if (evt.Reusable)
            {
                evt.Reset();
                FreeOf(evt.Schema)!.Push(evt);
            }
        }
    }

    /// <summary>An empty event of <paramref name="schema"/>: a recycled one if there is one.</summary>
    internal CityEvent Rent(SourceSchema schema) =>
        _free.Count > 0 && FreeOf(schema, create: false) is { } free && free.TryPop(out var evt) ? evt : new CityEvent(schema);

    private Stack<CityEvent>? FreeOf(SourceSchema schema, bool create = true)
    {
        if (ReferenceEquals(_lastSchema, schema))
        {
            return _lastFree!;
        }

        foreach (var (owner, free) in _free)
        {
            if (ReferenceEquals(owner, schema))
            {
                _lastSchema = schema;
                return _lastFree = free;
            }
        }

        if (!create)
        {
            return null;
        }

        var added = new Stack<CityEvent>();
        _free.Add((schema, added));
        _lastSchema = schema;
        return _lastFree = added;
    }

    /// <summary>Empties both lists for reuse.</summary>
    public void Clear()
    {
        Events.Clear();
        DeadLetters.Clear();
    }
}
