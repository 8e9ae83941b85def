using BenchmarkDotNet.Attributes;
using CityStream.Connectors.Simulator;
using CityStream.Engine;
using YamlDotNet.RepresentationModel;

namespace CityStream.Benchmarks;

/// <summary>
/// Each rule kind's operator on the simulated city: the shipped rules of one kind (the packs' lists and macros kept, the other rules
/// left out) run through <see cref="RuleRuntime.Process"/> on the simulator's events of the sources those rules read, decoded afresh
/// before every iteration (operators keep and strip the events they retain). Per event, alerts and state included.
/// </summary>
[MemoryDiagnoser]
public class OperatorBenchmarks
{
    private const int EventsPerIteration = 50_000;

    private readonly RuntimeOutput _output = new();
    private readonly List<CityEvent> _events = new(EventsPerIteration);
    private List<(SourceSchema Schema, byte[] Json, long Time)> _records = [];
    private RuleSet _rules = RuleSet.Empty;
    private RuleRuntime _runtime = null!;

    [Params("match", "threshold", "spike", "absence", "sequence", "correlate")]
    public string Kind { get; set; } = "match";

    [GlobalSetup]
    public void Setup()
    {
        _rules = RulePacks.Compile(ShippedRulesOfKind(Kind), null);
        var sources = new HashSet<SourceSchema>(_rules.Packs.SelectMany(p => p.Rules).SelectMany(r => r.Steps).Select(s => s.Source));
        var simulator = new CitySimulator(new SimulatorOptions { EventsPerDay = 2_000_000, MalformedRate = 0, LateRate = 0, DuplicateRate = 0 });
        var batch = new DecodedBatch();
        foreach (var record in simulator.Generate())
        {
            if (SchemaRegistry.Default.ByTopic(record.Topic, string.Empty) is not { } schema || !sources.Contains(schema))
            {
                continue;
            }

            batch.Clear();
            EventCodec.Decode(schema, record.Value, record.ContentType, new EventOrigin(record.Topic, 0, 0), batch);
            foreach (var evt in batch.Events)
            {
                _records.Add((schema, EventCodec.ToJson(evt), evt.Timestamp));
            }

            if (_records.Count >= EventsPerIteration)
            {
                break;
            }
        }

        if (_records.Count == 0)
        {
            throw new InvalidOperationException($"the simulated city has no events for the {Kind} rules");
        }
    }

    /// <summary>A fresh runtime and fresh events; a short day is replayed shifted by whole days until there are enough.</summary>
    [IterationSetup]
    public void Fresh()
    {
        _runtime = new RuleRuntime(_rules);
        _events.Clear();
        var batch = new DecodedBatch();
        var span = _records[^1].Time - _records[0].Time + 86_400_000;
        for (var copy = 0; _events.Count < EventsPerIteration; copy++)
        {
            foreach (var (schema, json, _) in _records)
            {
                batch.Clear();
                EventCodec.Decode(schema, json, ContentTypes.Json, new EventOrigin(schema.Topic, 0, _events.Count), batch);
                var evt = batch.Events[0];
                evt.SetNumber(schema.TimeField.Index, evt.Timestamp + (copy * span));
                _events.Add(evt);
                if (_events.Count == EventsPerIteration)
                {
                    break;
                }
            }
        }
    }

    [Benchmark(OperationsPerInvoke = EventsPerIteration)]
    public int RunEvents()
    {
        var alerts = 0;
        foreach (var evt in _events)
        {
            _output.Clear();
            _runtime.Process(evt, _output);
            alerts += _output.Alerts.Count;
        }

        return alerts;
    }

    /// <summary>Every shipped pack, each with only its rules of <paramref name="kind"/> (packs with none left out).</summary>
    private static IEnumerable<(string File, string Yaml)> ShippedRulesOfKind(string kind)
    {
        foreach (var path in Directory.GetFiles(RepoPaths.Rules, "*.yaml").Where(p => !p.EndsWith(".test.yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var yaml = new YamlStream();
            using (var reader = new StreamReader(path))
            {
                yaml.Load(reader);
            }

            var root = (YamlMappingNode)yaml.Documents[0].RootNode;
            var rules = (YamlSequenceNode)root.Children[new YamlScalarNode("rules")];
            var kept = rules.Children.Where(r => r is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("kind"), out var k) && k.ToString() == kind).ToList();
            if (kept.Count == 0)
            {
                continue;
            }

            root.Children[new YamlScalarNode("rules")] = new YamlSequenceNode(kept);
            using var writer = new StringWriter();
            yaml.Save(writer, assignAnchors: false);
            yield return (Path.GetFileName(path), writer.ToString());
        }
    }
}
