using BenchmarkDotNet.Attributes;
using CityStream.Engine;

namespace CityStream.Benchmarks;

/// <summary>
/// One event through <see cref="RuleRuntime.Process"/> with the shipped hazmat pack (a <c>match</c> rule): an event the condition
/// rejects, and a matching event whose alert is suppressed (same plate, same 15-minute episode: key, alert id and dedup lookup).
/// </summary>
[MemoryDiagnoser]
public class MatchOperatorBenchmarks
{
    private readonly RuntimeOutput _output = new();
    private RuleRuntime _runtime = null!;
    private CityEvent _moving = null!;
    private CityEvent _stopped = null!;

    [GlobalSetup]
    public void Setup()
    {
        var pack = File.ReadAllText(Path.Combine(RepoPaths.Rules, "hazmat.yaml"));
        _runtime = new RuleRuntime(RulePacks.Compile(("hazmat.yaml", pack)));
        var gps = SchemaRegistry.Default.BySource("vehicle_gps")!;
        _moving = SampleEvents.Make(gps, 3);
        _moving.SetString(gps.Field("vehicle_class")!.Index, "freight");
        _moving.SetNumber(gps.Field("speed_kmh")!.Index, 42);
        _stopped = SampleEvents.Make(gps, 4);
        _stopped.SetString(gps.Field("vehicle_class")!.Index, "hazmat_tanker");
        _stopped.SetNumber(gps.Field("speed_kmh")!.Index, 0);
        _runtime.Process(_stopped, _output);
    }

    [Benchmark(Baseline = true)]
    public int ConditionFalse()
    {
        _output.Clear();
        _runtime.Process(_moving, _output);
        return _output.Alerts.Count;
    }

    [Benchmark]
    public int MatchSuppressed()
    {
        _output.Clear();
        _runtime.Process(_stopped, _output);
        return _output.Alerts.Count;
    }
}

/// <summary>Building an alert: a match rule that is always true and never suppresses, so every event gives one alert (id, templates, evidence).</summary>
[MemoryDiagnoser]
public class AlertBuildBenchmarks
{
    private const string Pack = """
        pack: bench
        rules:
          - id: bench.every-event
            kind: match
            source: vehicle_gps
            where: "true"
            key: plate
            severity: medium
            alert:
              title: "车辆 {plate} 在 {grid}"
              message: "{plate}（{vehicle_class}）速度 {speed_kmh} km/h，位于 {district} {grid}"
              route: bench
            labels: { domain: bench }
        """;

    private readonly RuntimeOutput _output = new();
    private RuleRuntime _runtime = null!;
    private CityEvent _event = null!;
    private string[] _ids = [];
    private int _idIndex;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _runtime = new RuleRuntime(RulePacks.Compile(("bench.yaml", Pack)));
        var gps = SchemaRegistry.Default.BySource("vehicle_gps")!;
        _event = SampleEvents.Make(gps, 5);
        _idIndex = gps.IdField.Index;
        // More ids than the rule's key limit, so each id is new again when it comes round (no suppression).
        _ids = new string[250_000];
        for (var i = 0; i < _ids.Length; i++)
        {
            _ids[i] = "gps-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    [Benchmark]
    public int BuildAlert()
    {
        _output.Clear();
        _event.SetString(_idIndex, _ids[_next++ % _ids.Length]);
        _runtime.Process(_event, _output);
        return _output.Alerts.Count;
    }

    /// <summary>Building the alert and writing it as the JSON every sink writes (title, message and evidence rendered).</summary>
    [Benchmark]
    public int BuildAndSerializeAlert()
    {
        _output.Clear();
        _event.SetString(_idIndex, _ids[_next++ % _ids.Length]);
        _runtime.Process(_event, _output);
        return _output.Alerts.Count == 0 ? 0 : AlertJson.SerializeToUtf8Bytes(_output.Alerts[0]).Length;
    }
}

/// <summary>
/// The peers' rule (tumbling 60 s count per key, alert at 5) on the peers' events: one alert per ~6 events, each with 5 evidence
/// events (or none, <see cref="Evidence"/> false: <c>alert.evidence: 0</c>). With and without writing each alert as the JSON the
/// sinks write; the difference is the cost of an alert's JSON.
/// </summary>
[MemoryDiagnoser]
public class WindowAlertBenchmarks
{
    private const int Keys = 10_000;
    private readonly RuntimeOutput _output = new();
    private RuleRuntime _runtime = null!;
    private CityEvent[] _events = [];
    private long _next;

    /// <summary>Whether alerts carry their evidence (the default) or none.</summary>
    [ParamsAllValues]
    public bool Evidence { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _runtime = new RuleRuntime(E2e.PeerRule.Compile(Evidence));
        _events = new CityEvent[Keys * 12];
        for (var i = 0; i < _events.Length; i++)
        {
            _events[i] = PeerWorkload.Event(i, Keys);
        }
    }

    [Benchmark(Baseline = true)]
    public int PeersRulePerEvent() => Step(serialize: false);

    [Benchmark]
    public int PeersRulePerEventWithAlertJson() => Step(serialize: true);

    private int Step(bool serialize)
    {
        // Events come round again a whole number of windows later, so every window fills and alerts as in the Kafka runs.
        var i = _next++;
        var evt = _events[i % _events.Length];
        evt.SetNumber(evt.Schema.TimeField.Index, PeerWorkload.BaseTime + i);
        _output.Clear();
        _runtime.Process(evt, _output);
        var bytes = 0;
        if (serialize)
        {
            foreach (var alert in _output.Alerts)
            {
                // As the Kafka sink writes it: into the thread's reused buffer, from which librdkafka copies it.
                bytes += CityStream.Engine.Internal.AlertJsonWriter.ToThreadBuffer(alert).Length;
            }
        }

        return bytes + _output.Alerts.Count;
    }
}
