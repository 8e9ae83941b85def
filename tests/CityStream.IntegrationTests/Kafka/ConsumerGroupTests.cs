using System.Diagnostics;
using CityStream.Connectors.Kafka;
using CityStream.Connectors.Kafka.Internal;
using CityStream.Engine;
using CityStream.IntegrationTests.Infrastructure;

namespace CityStream.IntegrationTests.Kafka;

/// <summary>Hosts sharing one application id: the consumer group spreads the partitions over them, and a task that moves takes its state along.</summary>
[Collection(SharedServices.Name)]
public sealed class ConsumerGroupTests(KafkaFixture kafka)
{
    private static readonly long T0 = new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds();
    private static readonly SourceSchema Hotline = SchemaRegistry.Default.BySource("hotline")!;

    [SkippableFact]
    public async Task A_second_host_joining_takes_over_partitions_with_their_state_and_together_they_give_the_alerts_of_one_run()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var prefix = KafkaFixture.NewTopicPrefix();
        await kafka.CreateTopicsAsync(SchemaRegistry.Default.Sources.Select(s => prefix + s.Topic), partitions: 4);
        var rules = KafkaHostRun.ShippedRules;

        // Twelve grids, six gas-smell tickets each from three callers, ten minutes apart: a gas burst per grid once the fifth
        // ticket comes, which for the grids that move to the second host needs the first three tickets restored from the changelog.
        var firstHalf = new List<(string Grid, CityEvent Ticket)>();
        var secondHalf = new List<(string Grid, CityEvent Ticket)>();
        for (var j = 0; j < 6; j++)
        {
            for (var g = 0; g < 12; g++)
            {
                var grid = $"G{g:D4}";
                var ticket = CityInput.Event(Hotline, $"t-{g}-{j}", T0 + (j * 600_000L) + g,
                    ("category", "gas_smell"), ("caller_id", $"c{j % 3}"), ("grid", grid), ("district", "崇川区"));
                (j < 3 ? firstHalf : secondHalf).Add((grid, ticket));
            }
        }

        var expected = InProcessAlerts(rules, prefix, [.. firstHalf, .. secondHalf]);
        Assert.Equal(12, expected.Count(a => a.Contains("|hotline.gas-burst|", StringComparison.Ordinal)));

        var options = KafkaHostRun.Options(kafka, prefix);
        var firstAlerts = new List<Alert>();
        var secondAlerts = new List<Alert>();
        await using var first = new KafkaHost(options, rules, [new CapturingSink(firstAlerts)]);
        await using var second = new KafkaHost(options, rules, [new CapturingSink(secondAlerts)]);
        await ProduceAsync(prefix, firstHalf);
        await first.StartAsync(CancellationToken.None);
        await KafkaHostRun.WaitForEventsAsync(first, firstHalf.Count);
        Assert.Equal(4, first.AssignedTasks);

        await second.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => second.AssignedTasks > 0 && first.AssignedTasks + second.AssignedTasks == 4, "the group to spread the partitions over both hosts");
        await ProduceAsync(prefix, secondHalf);
        await WaitUntilAsync(() => first.EventsIn + second.EventsIn >= firstHalf.Count + secondHalf.Count, "both hosts to read every ticket");
        await second.StopAsync();
        await first.StopAsync();

        Assert.Equal(firstHalf.Count + secondHalf.Count, first.EventsIn + second.EventsIn);
        Assert.True(KafkaHostMetrics.Rebalances.WithLabels(options.ApplicationId, "revoked").Value >= 1, "the first host gave partitions up");
        Assert.True(KafkaHostMetrics.Rebalances.WithLabels(options.ApplicationId, "assigned").Value >= 2, "both hosts were given partitions");
        Assert.True(KafkaHostMetrics.CommitDuration.WithLabels(options.ApplicationId).Count > 0, "commits are timed");
        Assert.Contains(secondAlerts, a => a.Rule == "hotline.gas-burst");
        var actual = firstAlerts.Concat(secondAlerts).Select(Identity).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
    }

    private static List<string> InProcessAlerts(RuleSet rules, string prefix, List<(string Grid, CityEvent Ticket)> tickets)
    {
        var captured = new List<Alert>();
        var host = new InProcessHost(new RuleRuntime(rules), [new CapturingSink(captured)], null, topicPrefix: prefix);
        var records = tickets.Select((t, i) => new InputRecord(prefix + Hotline.Topic, 0, i, EventCodec.ToJson(t.Ticket), ContentTypes.Json)).ToList();
        host.ProcessAsync(records, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return [.. captured.Select(Identity).Distinct().Order(StringComparer.Ordinal)];
    }

    private Task ProduceAsync(string prefix, List<(string Grid, CityEvent Ticket)> tickets) =>
        kafka.ProduceAsync(prefix + Hotline.Topic, tickets.Select(t => new TestRecord(t.Grid, EventCodec.ToJson(t.Ticket), ContentTypes.Json)));

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > KafkaHostRun.ProcessingTimeout)
            {
                throw new TimeoutException($"waited {KafkaHostRun.ProcessingTimeout.TotalSeconds} s for {what}");
            }

            await Task.Delay(100);
        }
    }

    private static string Identity(Alert alert) => string.Join('|', alert.Id, alert.Rule, alert.Key, alert.Severity, alert.Title);

    private sealed class CapturingSink(List<Alert> alerts) : IAlertSink
    {
        private readonly Lock _lock = new();

        public string Name => "capture";

        public ValueTask WriteAsync(IReadOnlyList<Alert> batch, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                alerts.AddRange(batch);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
