using System.CommandLine;
using System.Diagnostics;
using CityStream.Cli.Internal;
using CityStream.Connectors.Kafka;
using CityStream.Connectors.Redis;
using CityStream.Connectors.Simulator;
using CityStream.Engine;
using Spectre.Console;

namespace CityStream.Cli.Commands;

/// <summary><c>citystream demo</c>: the whole pipeline on this machine, nothing installed.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var rules = CommonOptions.Rules();
        var metricsPort = CommonOptions.MetricsPort();
        var redis = CommonOptions.Redis();
        var kafka = CommonOptions.Kafka();
        var output = new Option<string>("--output") { Description = "NDJSON file the alerts are appended to.", DefaultValueFactory = _ => "alerts.ndjson" };
        var deadLetters = new Option<string>("--dead-letters") { Description = "NDJSON file dead letters go to (in-process host).", DefaultValueFactory = _ => "dead-letters.ndjson" };
        var rate = new Option<int>("--rate") { Description = "Events per second the simulator feeds in (wall clock).", DefaultValueFactory = _ => 2_000 };
        var seed = new Option<int>("--seed") { Description = "Simulator seed.", DefaultValueFactory = _ => 42 };
        var eventsPerDay = new Option<long>("--events-per-day") { Description = "Simulated city volume per simulated day.", DefaultValueFactory = _ => 400_000 };
        var duration = new Option<TimeSpan?>("--duration") { Description = "Stop after this long (e.g. 00:00:30); default: until Ctrl-C." };
        var command = new Command("demo", "Run the whole pipeline here: the simulated city feeds the engine; alerts go to a live console table and an NDJSON file; /metrics is served. --kafka and --redis switch to real ones.")
        {
            rules, metricsPort, redis, kafka, output, deadLetters, rate, seed, eventsPerDay, duration,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (parse.GetValue(duration) is { } limit)
            {
                stop.CancelAfter(limit);
            }

            var options = new SimulatorOptions
            {
                Seed = parse.GetValue(seed),
                EventsPerDay = parse.GetValue(eventsPerDay),
                Start = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero),
                Duration = TimeSpan.FromDays(1),
            };
            var demo = new DemoSettings(parse.GetValue(rules)!, parse.GetValue(output)!, parse.GetValue(deadLetters)!, parse.GetValue(redis), parse.GetValue(kafka), parse.GetValue(rate), options);
            using var metrics = MetricsEndpoint.Start(parse.GetValue(metricsPort));
            try
            {
                return demo.Kafka is null ? await RunInProcessAsync(demo, stop.Token) : await RunOnKafkaAsync(demo, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
        });
        return command;
    }

    private static async Task<int> RunInProcessAsync(DemoSettings demo, CancellationToken cancellationToken)
    {
        var rules = RulesWatcher.LoadInitial(demo.RulesDirectory);
        if (rules is null)
        {
            return 1;
        }

        using var watcher = new RulesWatcher(demo.RulesDirectory, enabled: true);
        var sinks = new List<IAlertSink>();
        await using var file = new NdjsonAlertSink(demo.Output);
        sinks.Add(file);
        await using var redis = demo.Redis is null ? null : await RedisAlertSink.ConnectAsync(new RedisSinkOptions { Configuration = demo.Redis }, cancellationToken);
        if (redis is not null)
        {
            sinks.Add(redis);
        }

        await using var letters = new NdjsonDeadLetterSink(demo.DeadLetters);
        var host = new InProcessHost(new RuleRuntime(rules), sinks, letters);
        var view = new ConsoleAlertView();
        host.AlertsWritten += view.Add;
        Console.Error.WriteLine($"demo: {rules.Packs.Count} pack(s) from {demo.RulesDirectory}; alerts to {Path.GetFullPath(demo.Output)}; Ctrl-C to stop");

        var feed = FeedAsync(demo, host, watcher, cancellationToken);
        if (view.Interactive)
        {
            await AnsiConsole.Live(view.Render(host)).StartAsync(async live =>
            {
                while (!feed.IsCompleted)
                {
                    live.UpdateTarget(view.Render(host));
                    await Task.WhenAny(feed, Task.Delay(500, CancellationToken.None));
                }

                live.UpdateTarget(view.Render(host));
            });
        }

        await feed;
        Console.Error.WriteLine($"demo stopped: events {host.EventsIn:N0}, processed {host.EventsProcessed:N0}, dead-lettered {host.DeadLettered:N0}, alerts {host.AlertsEmitted:N0}");
        return 0;
    }

    /// <summary>Feeds simulator records to the host in small batches, paced to the wanted rate, until cancelled or the simulated day ends.</summary>
    private static async Task FeedAsync(DemoSettings demo, InProcessHost host, RulesWatcher watcher, CancellationToken cancellationToken)
    {
        var simulator = new CitySimulator(demo.Simulator);
        var batch = new List<InputRecord>(256);
        var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        long events = 0;
        try
        {
            foreach (var record in simulator.Generate())
            {
                cancellationToken.ThrowIfCancellationRequested();
                offsets.TryGetValue(record.Topic, out var offset);
                offsets[record.Topic] = offset + 1;
                batch.Add(new InputRecord(record.Topic, 0, offset, record.Value, record.ContentType));
                events += record.EventCount;
                if (batch.Count < 200)
                {
                    continue;
                }

                await FlushAsync();
                var due = TimeSpan.FromSeconds(events / (double)Math.Max(1, demo.Rate));
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, cancellationToken);
                }
            }

            await FlushAsync();
        }
        catch (OperationCanceledException)
        {
            await FlushAsync();
        }

        async Task FlushAsync()
        {
            if (watcher.TakePending() is { } reloaded)
            {
                host.Runtime.Swap(reloaded);
            }

            if (batch.Count > 0)
            {
                await host.ProcessAsync(batch, CancellationToken.None);
                batch.Clear();
            }
        }
    }

    private static async Task<int> RunOnKafkaAsync(DemoSettings demo, CancellationToken cancellationToken)
    {
        var rules = RulesWatcher.LoadInitial(demo.RulesDirectory);
        if (rules is null)
        {
            return 1;
        }

        await using var redis = demo.Redis is null ? null : await RedisAlertSink.ConnectAsync(new RedisSinkOptions { Configuration = demo.Redis }, cancellationToken);
        await using var file = new NdjsonAlertSink(demo.Output);
        var view = new ConsoleAlertView();
        var sinks = new List<IAlertSink> { file, new CallbackSink(view.Add) };
        if (redis is not null)
        {
            sinks.Add(redis);
        }

        await using var host = new KafkaHost(new KafkaHostOptions { BootstrapServers = demo.Kafka!, ApplicationId = "citystream-demo" }, rules, sinks);
        await host.StartAsync(cancellationToken);
        Console.Error.WriteLine($"demo: simulating into Kafka at {demo.Kafka}; the Kafka host runs {rules.Packs.Count} pack(s); Ctrl-C to stop");
        var simulate = SimulatorOutputs.WriteKafkaAsync(new CitySimulator(demo.Simulator), demo.Kafka!, 4, cancellationToken);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(2_000, cancellationToken);
                Console.Error.WriteLine($"events {host.EventsIn:N0} · processed {host.EventsProcessed:N0} · dead-lettered {host.DeadLettered:N0} · alerts {host.AlertsEmitted:N0}");
            }
        }
        finally
        {
            await host.StopAsync();
            await simulate.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return 0;
    }

    private sealed record DemoSettings(string RulesDirectory, string Output, string DeadLetters, string? Redis, string? Kafka, int Rate, SimulatorOptions Simulator);

    /// <summary>Shows alerts the Kafka host wrote on the console.</summary>
    private sealed class CallbackSink(Action<IReadOnlyList<Alert>> onAlerts) : IAlertSink
    {
        public string Name => "console";

        public ValueTask WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
        {
            onAlerts(alerts);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
