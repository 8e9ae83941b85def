using System.CommandLine;
using CityStream.Connectors.Simulator;

namespace CityStream.Cli.Commands;

/// <summary><c>citystream simulate</c>: the synthetic city to files or Kafka.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = "Directory to write <topic>.ndjson (or .arrow) files, labels.ndjson and ref/*.geojson into." };
        var format = new Option<string>("--format") { Description = "File format: ndjson or arrow.", DefaultValueFactory = _ => "ndjson" };
        format.AcceptOnlyFromAmong("ndjson", "arrow");
        var kafka = new Option<string?>("--kafka") { Description = "Write to this Kafka broker instead (bootstrap servers)." };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of the source topics it creates.", DefaultValueFactory = _ => 4 };
        var topicPrefix = new Option<string>("--topic-prefix") { Description = "Prefix of the topic names (Kafka).", DefaultValueFactory = _ => string.Empty };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed gives the same bytes.", DefaultValueFactory = _ => 42 };
        var eventsPerDay = new Option<long>("--events-per-day") { Description = "City volume per simulated day.", DefaultValueFactory = _ => 200_000 };
        var duration = new Option<string>("--duration") { Description = "Simulated time span (e.g. 1h, 1d).", DefaultValueFactory = _ => "1d" };
        var malformed = new Option<double>("--malformed-rate") { Description = "Share of records that are malformed.", DefaultValueFactory = _ => 0.001 };
        var batch = new Option<int>("--batch-size") { Description = "Arrow batches of up to N events for GPS and utility (0: one JSON event per record).", DefaultValueFactory = _ => 0 };
        var command = new Command("simulate", "Generate the synthetic city (deterministic by seed, labelled, with realistic mess) to files or Kafka.")
        {
            output, format, kafka, partitions, topicPrefix, seed, eventsPerDay, duration, malformed, batch,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SimulatorOptions
            {
                Seed = parse.GetValue(seed),
                EventsPerDay = parse.GetValue(eventsPerDay),
                Duration = Engine.Durations.Parse(parse.GetValue(duration)!),
                MalformedRate = parse.GetValue(malformed),
                BatchSize = parse.GetValue(batch),
            };
            var simulator = new CitySimulator(options);
            SimulationSummary summary;
            if (parse.GetValue(kafka) is { } bootstrap)
            {
                var prefix = parse.GetValue(topicPrefix) ?? string.Empty;
                summary = await SimulatorOutputs.WriteKafkaAsync(simulator, bootstrap, parse.GetValue(partitions), cancellationToken, t => prefix + t);
            }
            else
            {
                var directory = parse.GetValue(output) ?? "simulated";
                Directory.CreateDirectory(directory);
                summary = parse.GetValue(format) == "arrow"
                    ? await SimulatorOutputs.WriteArrowAsync(simulator, directory, cancellationToken)
                    : await SimulatorOutputs.WriteNdjsonAsync(simulator, directory, cancellationToken);
            }

            Console.WriteLine($"records {summary.Records:N0}, events {summary.Events:N0}, malformed {summary.Malformed:N0}");
            foreach (var (topic, count) in summary.EventsPerTopic.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                Console.WriteLine($"  {topic,-22} {count,12:N0}");
            }

            return 0;
        });
        return command;
    }
}
