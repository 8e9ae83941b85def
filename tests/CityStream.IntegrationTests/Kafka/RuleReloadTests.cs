using System.Diagnostics;
using CityStream.Connectors.Kafka;
using CityStream.Engine;
using CityStream.IntegrationTests.Infrastructure;

namespace CityStream.IntegrationTests.Kafka;

[Collection(SharedServices.Name)]
public sealed class RuleReloadTests(KafkaFixture kafka)
{
    private const string Pack = """
        pack: hotline
        rules:
          - id: hotline.gas-smell
            kind: match
            source: hotline
            where: category == 'gas_smell'
            key: grid
            severity: SEVERITY
            alert:
              title: "TITLE {grid}"
              message: "{subject}"
              suppress: 1h
        """;

    [SkippableFact]
    public async Task Swapped_rules_apply_to_records_read_after_the_swap_without_a_restart()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var prefix = KafkaFixture.NewTopicPrefix();
        var before = Compile("medium", "before");
        var after = Compile("critical", "after");
        var input = CityInput.Build(plates: 1, withLateEvent: false);

        await using var host = new KafkaHost(KafkaHostRun.Options(kafka, prefix), before, []);
        await host.StartAsync(CancellationToken.None);
        await KafkaHostRun.ProduceAsync(kafka, prefix, input);
        await KafkaHostRun.WaitForEventsAsync(host, input.Events);
        var alertsBefore = host.AlertsEmitted;

        host.SwapRules(after);
        var hotline = SchemaRegistry.Default.BySource("hotline")!;
        var ticket = new CityEvent(hotline);
        ticket.SetString(hotline.IdField.Index, "ticket-after-swap");
        ticket.SetNumber(hotline.TimeField.Index, new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds());
        ticket.SetString(hotline.Field("category")!.Index, "gas_smell");
        ticket.SetString(hotline.Field("grid")!.Index, "G-999");
        await kafka.ProduceAsync(prefix + hotline.Topic, [new TestRecord("G-999", EventCodec.ToJson(ticket), ContentTypes.Json)]);
        await KafkaHostRun.WaitForEventsAsync(host, input.Events + 1);
        await host.StopAsync();

        Assert.Equal(alertsBefore + 1, host.AlertsEmitted);
        var alerts = await KafkaHostRun.ReadWarningsAsync(kafka, prefix, before);
        var swapped = Assert.Single(alerts, a => a.Key == "G-999");
        Assert.Equal("critical", swapped.Severity);
        Assert.Equal("after G-999", swapped.Title);
        Assert.All(alerts.Where(a => a.Key != "G-999"), a => Assert.Equal("medium", a.Severity));
    }

    private static RuleSet Compile(string severity, string title)
    {
        var result = RuleSet.FromYaml([("hotline.yaml", Pack.Replace("SEVERITY", severity, StringComparison.Ordinal).Replace("TITLE", title, StringComparison.Ordinal))]);
        return result.RuleSet ?? throw new UnreachableException(string.Join("; ", result.Errors));
    }
}
