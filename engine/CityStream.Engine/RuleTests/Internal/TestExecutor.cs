namespace CityStream.Engine.RuleTests.Internal;

/// <summary>
/// Runs one test through the in-process host as production input would go: each event a JSON record on its
/// source's topic (the real decoder, then the runtime), the runtime checkpointed after every item so a
/// restart item restores a fresh runtime from what a real host would have committed.
/// </summary>
internal sealed class TestExecutor
{
    private readonly RuleSet _rules;
    private readonly SchemaRegistry _schemas;
    private readonly VirtualClock _clock;
    private readonly MemoryStateStore _store = new();
    private readonly MemoryAlertSink _alerts;
    private readonly MemoryDeadLetterSink _deadLetters;
    private readonly Dictionary<(string Topic, int Partition), long> _offsets = [];
    private readonly Dictionary<(string Topic, int Partition, long Offset), string> _eventIds = [];
    private InProcessHost _host;

    private TestExecutor(RuleSet rules, SchemaRegistry schemas, long startMs, MemoryAlertSink alerts, MemoryDeadLetterSink deadLetters)
    {
        _alerts = alerts;
        _deadLetters = deadLetters;
        _rules = rules;
        _schemas = schemas;
        _clock = new VirtualClock(startMs);
        _host = NewHost();
    }

    public static (List<Alert> Alerts, List<(DeadLetter Letter, string EventId)> DeadLetters) Run(TestCaseModel test, RuleSet rules, SchemaRegistry schemas)
    {
        var alerts = new MemoryAlertSink();
        var deadLetters = new MemoryDeadLetterSink();
        var executor = new TestExecutor(rules, schemas, test.StartMs, alerts, deadLetters);
        foreach (var item in test.Input)
        {
            executor.Apply(item);
        }

        if (test.AdvanceTo is { } end)
        {
            executor.Apply(new AdvanceInput(0, end));
        }

        var letters = deadLetters.DeadLetters
            .Select(d => (d, executor._eventIds.GetValueOrDefault((d.Origin.Topic, d.Origin.Partition, d.Origin.Offset)) ?? "?"))
            .ToList();
        return (alerts.Alerts, letters);
    }

    private InProcessHost NewHost() => new(new RuleRuntime(_rules, _clock), [_alerts], _deadLetters, _schemas);

    private void Apply(InputItem item)
    {
        switch (item)
        {
            case EventInput input:
                _clock.MoveTo(input.At);
                var topic = input.Source.Topic;
                var offset = _offsets.GetValueOrDefault((topic, input.Partition));
                _offsets[(topic, input.Partition)] = offset + 1;
                _eventIds[(topic, input.Partition, offset)] = input.EventId;
                var record = new InputRecord(topic, input.Partition, offset, input.Json, ContentTypes.Json);
                _host.ProcessAsync([record], CancellationToken.None).AsTask().GetAwaiter().GetResult();
                break;
            case AdvanceInput advance:
                _clock.MoveTo(advance.To);
                var output = new RuntimeOutput();
                _host.Runtime.AdvanceTime(advance.To, output);
                _alerts.Alerts.AddRange(output.Alerts);
                break;
            case RestartInput:
                _host = NewHost();
                _host.Runtime.Restore(_store);
                return;
        }

        _host.Runtime.Checkpoint(_store);
    }
}
