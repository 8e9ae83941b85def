using BenchmarkDotNet.Attributes;
using CityStream.Engine;

namespace CityStream.Benchmarks;

/// <summary>Decoding one JSON event of each source into its schema-bound form (validation and metrics included).</summary>
[MemoryDiagnoser]
public class JsonDecodeBenchmarks
{
    private readonly DecodedBatch _output = new();
    private SourceSchema _schema = null!;
    private byte[] _json = [];
    private EventOrigin _origin;
    private CityEvent? _event;

    [Params("hotline", "vehicle_gps", "utility", "video_alert", "grid_report", "police_event")]
    public string Source { get; set; } = "hotline";

    [GlobalSetup]
    public void Setup()
    {
        _schema = SchemaRegistry.Default.BySource(Source) ?? throw new InvalidOperationException("no source " + Source);
        _json = EventCodec.ToJson(SampleEvents.Make(_schema, 7));
        _origin = new EventOrigin(_schema.Topic, 0, 0);
    }

    [Benchmark(Baseline = true)]
    public int DecodeJsonEvent()
    {
        _output.Clear();
        EventCodec.Decode(_schema, _json, ContentTypes.Json, _origin, _output);
        return _output.Events.Count;
    }

    /// <summary>The same event read by <c>Utf8JsonReader</c> alone, as before the flat-record scanner (no codec metrics, no batch).</summary>
    [Benchmark]
    public bool ReadJsonEventWithReaderOnly() =>
        ResetEvent(Engine.Internal.Codec.JsonEventReader.ReadWithReader(_schema, _json, _event ??= new CityEvent(_schema), out _, out _, out _) is not null);

    /// <summary>The same event read by the flat-record scanner alone (no codec metrics, no batch).</summary>
    [Benchmark]
    public bool ReadJsonEventWithScannerOnly() =>
        ResetEvent(Engine.Internal.Codec.JsonEventReader.TryReadFlat(_schema, _json, _event ??= new CityEvent(_schema), requireAll: true, ulong.MaxValue, 0, out _));

    /// <summary>Empties the event for the next read, whatever this one gave (both reads want an empty event).</summary>
    private bool ResetEvent(bool read)
    {
        _event!.Reset();
        return read;
    }
}

/// <summary>Decoding one Arrow IPC batch of GPS events (the time is per batch: divide by the batch size for per event).</summary>
[MemoryDiagnoser]
public class ArrowDecodeBenchmarks
{
    private readonly DecodedBatch _output = new();
    private SourceSchema _schema = null!;
    private byte[] _batch = [];
    private EventOrigin _origin;

    [Params(100, 1000)]
    public int BatchSize { get; set; } = 100;

    [GlobalSetup]
    public void Setup()
    {
        _schema = SchemaRegistry.Default.BySource("vehicle_gps")!;
        var events = new CityEvent[BatchSize];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = SampleEvents.Make(_schema, i);
        }

        _batch = EventCodec.ToArrowBatch(events);
        _origin = new EventOrigin(_schema.Topic, 0, 0);
    }

    [Benchmark]
    public int DecodeArrowBatch()
    {
        _output.Clear();
        EventCodec.Decode(_schema, _batch, ContentTypes.Arrow, _origin, _output);
        return _output.Events.Count;
    }
}
