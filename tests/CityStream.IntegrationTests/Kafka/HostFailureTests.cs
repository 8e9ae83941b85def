using System.Diagnostics;
using CityStream.Connectors.Kafka;
using CityStream.Engine;
using CityStream.IntegrationTests.Infrastructure;
using Confluent.Kafka;

namespace CityStream.IntegrationTests.Kafka;

[Collection(SharedServices.Name)]
public sealed class HostFailureTests(KafkaFixture kafka)
{
    private const string Pack = """
        pack: hotline
        rules:
          - id: hotline.gas-smell
            kind: match
            source: hotline
            where: category == 'gas_smell'
            key: grid
            severity: high
            alert: { title: "gas {grid}" }
        """;

    [SkippableFact]
    public async Task A_stream_thread_failed_by_a_sink_is_reported_by_the_host_and_commits_no_offset()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var prefix = KafkaFixture.NewTopicPrefix();
        var rules = RuleSet.FromYaml([("hotline.yaml", Pack)]).RuleSet!;
        var hotline = SchemaRegistry.Default.BySource("hotline")!;
        var ticket = new CityEvent(hotline);
        ticket.SetString(hotline.IdField.Index, "ticket-1");
        ticket.SetNumber(hotline.TimeField.Index, new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds());
        ticket.SetString(hotline.Field("category")!.Index, "gas_smell");
        ticket.SetString(hotline.Field("grid")!.Index, "G-7");
        await kafka.ProduceAsync(prefix + hotline.Topic, [new TestRecord("G-7", EventCodec.ToJson(ticket), ContentTypes.Json)]);
        var options = KafkaHostRun.Options(kafka, prefix);

        await using var host = new KafkaHost(options, rules, [new GivingUpSink()]);
        await host.StartAsync(CancellationToken.None);
        var clock = Stopwatch.StartNew();
        while (host.Failure is null && clock.Elapsed < KafkaHostRun.ProcessingTimeout)
        {
            await Task.Delay(100);
        }

        Assert.NotNull(host.Failure);
        var stop = await Assert.ThrowsAsync<InvalidOperationException>(host.StopAsync);
        Assert.Same(host.Failure, stop.InnerException);

        // The sinks never all had the ticket's alert: it is not counted, and its offset was not committed (a restart reads it again).
        Assert.Equal(0, host.EventsIn);
        Assert.All(kafka.CommittedOffsets(options.ApplicationId, prefix + hotline.Topic), o => Assert.Equal(Offset.Unset, o.Offset));
    }

    /// <summary>A sink that gives up at once (an <see cref="OperationCanceledException"/> is not retried), failing the stream thread.</summary>
    private sealed class GivingUpSink : IAlertSink
    {
        public string Name => "giving-up";

        public ValueTask WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken) =>
            throw new OperationCanceledException("the sink gave up");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
