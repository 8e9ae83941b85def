using System.CommandLine;
using CityStream.Cli.Internal;
using CityStream.Connectors.Kafka;
using CityStream.Connectors.Redis;
using CityStream.Engine;

namespace CityStream.Cli.Commands;

/// <summary><c>citystream run --config FILE</c>: the Kafka host, for production.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The citystream.yaml to run with (see README: configuration).", DefaultValueFactory = _ => "citystream.yaml" };
        var command = new Command("run", "Run the engine on Kafka (batched consumer-group members, or a Streamiz application): source topics in, warnings.<pack> topics and Redis out, until Ctrl-C.") { config };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(config)!;
            CityStreamConfig settings;
            try
            {
                settings = CityStreamConfig.Load(path);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or YamlDotNet.Core.YamlException)
            {
                Console.Error.WriteLine($"cannot read config: {ex.Message}");
                return 2;
            }

            var rulesDirectory = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", settings.Rules.Directory));
            var rules = RulesWatcher.LoadInitial(rulesDirectory);
            if (rules is null)
            {
                return 1;
            }

            using var metrics = MetricsEndpoint.Start(settings.Metrics.Port, settings.Metrics.Host);
            using var watcher = new RulesWatcher(rulesDirectory, settings.Rules.Reload);
            await using var redis = settings.Redis is null
                ? null
                : await RedisAlertSink.ConnectAsync(
                    new RedisSinkOptions { Configuration = settings.Redis.Configuration, KeyPrefix = settings.Redis.KeyPrefix, AlertTtl = Durations.Parse(settings.Redis.AlertTtl) },
                    cancellationToken);
            var options = new KafkaHostOptions
            {
                BootstrapServers = settings.Kafka.BootstrapServers,
                ApplicationId = settings.Kafka.ApplicationId,
                TopicPrefix = settings.Kafka.TopicPrefix,
                DeadLetterTopic = settings.Kafka.DeadLetterTopic,
                Threads = settings.Kafka.Threads,
                Consumption = settings.Kafka.Consumption,
                StateDirectory = settings.Kafka.StateDirectory,
                CommitIntervalMs = settings.Kafka.CommitIntervalMs,
            };
            await using var host = new KafkaHost(options, rules, redis is null ? [] : [redis]);
            await host.StartAsync(cancellationToken);
            Console.Error.WriteLine($"run: {rules.Packs.Count} pack(s) from {rulesDirectory} on {options.BootstrapServers}; Ctrl-C to stop");
            if (Environment.GetEnvironmentVariable("DOTNET_TC_CallCountingDelayMs") is null)
            {
                // Read by the runtime at start-up only, so it cannot be set from here; the image sets it.
                Console.Error.WriteLine("run: DOTNET_TC_CallCountingDelayMs is not set, so catching up a backlog after a start runs unoptimised for seconds (README, \"Runtime settings\")");
            }
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(1_000, cancellationToken);
                    if (watcher.TakePending() is { } reloaded)
                    {
                        host.SwapRules(reloaded);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }

            await host.StopAsync();
            Console.Error.WriteLine($"run stopped: events {host.EventsIn:N0}, processed {host.EventsProcessed:N0}, dead-lettered {host.DeadLettered:N0}, alerts {host.AlertsEmitted:N0}");
            return 0;
        });
        return command;
    }
}
