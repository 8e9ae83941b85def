using System.Diagnostics;
using CityStream.Connectors.Kafka;
using CityStream.Connectors.Redis;
using CityStream.Engine;
using Confluent.Kafka;

namespace CityStream.Benchmarks.E2e;

/// <summary>The measurements through the Kafka broker that run in .NET (the Java peers run from <see cref="E2eHarness"/>).</summary>
internal static class KafkaMeasurements
{
    /// <summary>Writes the run's .NET-produced topics: the peers' events as Arrow batches, and the hotline-schema loads for the KafkaHost.</summary>
    public static async Task<Measurement> LoadAsync(E2eOptions o)
    {
        var clock = Stopwatch.StartNew();
        await KafkaTopics.WriteHotlineJsonAsync(o, KafkaTopics.HostPrefix(o, arrow: false) + "city.hotline").ConfigureAwait(false);
        var jsonSeconds = clock.Elapsed.TotalSeconds;
        var arrowClock = Stopwatch.StartNew();
        var batches = await KafkaTopics.WriteArrowAsync(o, KafkaTopics.PeerArrow(o), hotline: false).ConfigureAwait(false);
        var arrowSeconds = arrowClock.Elapsed.TotalSeconds;
        await KafkaTopics.WriteArrowAsync(o, KafkaTopics.HostPrefix(o, arrow: true) + "city.hotline", hotline: true).ConfigureAwait(false);
        return new Measurement
        {
            Name = "kafka.load.dotnet-json",
            Events = o.KafkaN,
            Seconds = jsonSeconds,
            Note = $"Confluent.Kafka producer, hotline-schema JSON; Arrow topics: {o.ArrowN:N0} events in {batches:N0} batches each, peers' Arrow written in {arrowSeconds:0.0} s (encoding included)",
        };
    }

    /// <summary>A bare Confluent.Kafka consumer reading the peers' topic to its end: the ceiling of any .NET consumer here.</summary>
    public static Measurement Raw(E2eOptions o) => Consume(o, "kafka.raw-consumer.json", KafkaTopics.PeerJson(o), o.KafkaN, _ => 1, "bare Confluent.Kafka consumer, no deserialisation, one thread");

    /// <summary>CityStream's decode and runtime behind a bare consumer (the path KafkaHost should take): JSON or Arrow records, one thread.</summary>
    public static Measurement CityStreamConsumer(E2eOptions o, bool arrow)
    {
        var runtime = PeerRule.TryRuntime(out var why);
        var output = new RuntimeOutput();
        var counter = new WindowCounter(PeerWorkload.Schema, PeerRule.WindowMs, PeerRule.Threshold);
        var decoded = new DecodedBatch();
        var schema = PeerWorkload.Schema;
        var keep = runtime?.FieldsRead(schema) ?? ulong.MaxValue;
        var asBytes = runtime?.StringsReadLater(schema) ?? 0;
        int Step(ConsumeResult<byte[], byte[]> r)
        {
            decoded.Clear();
            EventCodec.Decode(schema, r.Message.Value, arrow ? ContentTypes.Arrow : null, new EventOrigin(r.Topic, r.Partition.Value, r.Offset.Value), decoded, keep, asBytes);
            foreach (var e in decoded.Events)
            {
                if (runtime is null)
                {
                    counter.OnEvent(e);
                }
                else
                {
                    runtime.Process(e, output);
                    output.Clear();
                }
            }

            return decoded.Events.Count + decoded.DeadLetters.Count;
        }

        var rule = runtime is null ? $"HAND-WRITTEN threshold equivalent ({why})" : "real threshold pack via RuleRuntime";
        return Consume(o, arrow ? "kafka.citystream-consumer.arrow" : "kafka.citystream-consumer.json", arrow ? KafkaTopics.PeerArrow(o) : KafkaTopics.PeerJson(o), o.KafkaN, Step,
            $"bare consumer + EventCodec.Decode + {rule}, one thread" + (arrow ? $", Arrow batches of {o.Batch}" : string.Empty));
    }

    /// <summary>CityStream's KafkaHost (Streamiz, 2 stream threads) with every shipped pack on the hotline-schema load; alerts to Redis when given.</summary>
    public static async Task<Measurement> HostAsync(E2eOptions o, bool arrow, int threads = 2, KafkaConsumption mode = KafkaConsumption.Batched)
    {
        var name = (arrow ? "kafka.citystream-host.arrow" : "kafka.citystream-host.json") + (threads == 2 ? string.Empty : $".{threads}-thread") + ModeSuffix(mode);
        var sinks = new List<IAlertSink>();
        if (o.Redis is not null)
        {
            sinks.Add(await RedisAlertSink.ConnectAsync(new RedisSinkOptions { Configuration = o.Redis, KeyPrefix = o.RunId + ":" }, CancellationToken.None).ConfigureAwait(false));
        }

        var options = HostOptions(o, "host-" + (arrow ? "arrow" : "json") + "-t" + threads + ModeSuffix(mode), KafkaTopics.HostPrefix(o, arrow), threads, mode);
        var what = $"KafkaHost ({ModeName(mode)}), {threads} thread{(threads == 1 ? string.Empty : "s")}, shipped packs, hotline schema" + (arrow ? $" in Arrow batches of {o.Batch}" : " JSON") + (o.Redis is null ? ", no Redis" : ", Redis sink");
        return await RunHostAsync(o, name, arrow, options, RulePacks.Shipped(), sinks, "hotline", what).ConfigureAwait(false);
    }

    /// <summary>
    /// The KafkaHost on the peers' own topic (JSON, as Kafka Streams and Flink read it) or on the same events in Arrow batches, with
    /// the peers' rule only; alerts go to the <c>warnings.peers</c> topic (the peers write theirs to a topic too), not to Redis.
    /// </summary>
    /// <param name="o">The run's options.</param>
    /// <param name="arrow">Arrow batches instead of the peers' JSON.</param>
    /// <param name="mode">How the host consumes.</param>
    /// <param name="variant">Appended to the measurement's name and consumer group (the same topic read again by another group).</param>
    /// <param name="evidence">Whether alerts carry their evidence (CityStream's default) or none, like the peers' output.</param>
    public static async Task<Measurement> PeerRuleHostAsync(E2eOptions o, bool arrow, KafkaConsumption mode = KafkaConsumption.Batched, string variant = "", bool evidence = true)
    {
        var options = HostOptions(o, "host-peer-" + (arrow ? "arrow" : "json") + ModeSuffix(mode) + variant, arrow ? KafkaTopics.PeerArrowPrefix(o) : KafkaTopics.PeerJsonPrefix(o), 2, mode);
        options.Schemas = new SchemaRegistry([PeerWorkload.Schema]);
        var what = $"KafkaHost ({ModeName(mode)}), 2 threads, the peers' rule on the peers' " + (arrow ? $"events in Arrow batches of {o.Batch}" : "JSON topic (the one Kafka Streams and Flink read)") + ", alerts to the warning topic"
            + (evidence ? string.Empty : " without evidence (alert.evidence: 0; the peers write key, window and count)")
            + (ShippedRuntime.IsSet ? string.Empty : "; the runtime's default settings, not those CityStream ships with (ShippedRuntime)");
        var name = (arrow ? "kafka.citystream-host.peer-rule.arrow" : "kafka.citystream-host.peer-rule.json") + ModeSuffix(mode) + variant;
        return await RunHostAsync(o, name, arrow, options, PeerRule.Compile(evidence), [], PeerWorkload.Schema.Name, what).ConfigureAwait(false);
    }

    private static string ModeSuffix(KafkaConsumption mode) => mode == KafkaConsumption.Streamiz ? ".streamiz" : string.Empty;

    private static string ModeName(KafkaConsumption mode) => mode == KafkaConsumption.Streamiz ? "Streamiz consumption" : "batched consumption";

    private static KafkaHostOptions HostOptions(E2eOptions o, string id, string prefix, int threads, KafkaConsumption mode) => new()
    {
        Consumption = mode,
        BootstrapServers = o.Bootstrap!,
        ApplicationId = o.RunId + "-" + id,
        TopicPrefix = prefix,
        Threads = threads,
        ReadFromEarliest = true,
        StateDirectory = Path.Combine(Path.GetTempPath(), "citystream-bench-" + o.RunId + "-" + id),
    };

    private static async Task<Measurement> RunHostAsync(E2eOptions o, string name, bool arrow, KafkaHostOptions options, RuleSet rules, List<IAlertSink> sinks, string source, string what)
    {
        long expected = arrow ? o.ArrowN : o.KafkaN;
        var allocations = PassClock.StartNew();
        var host = new KafkaHost(options, rules, sinks);
        await using (host.ConfigureAwait(false))
        {
            await host.StartAsync(CancellationToken.None).ConfigureAwait(false);
            // The host's own counts move per commit (1 s): time the run by the events decoded instead (EventCodec counts every
            // record it decodes, on the stream threads, just before the runtime processes them), from the first to the last.
            var decodedCount = EngineMetrics.EventsIn.WithLabels(source);
            var limit = Stopwatch.StartNew();
            Stopwatch? clock = null;
            double decodedBeforeClock = 0;
            while (decodedCount.Value < expected && limit.Elapsed.TotalSeconds < o.TimeoutSeconds - 15)
            {
                if (clock is null && decodedCount.Value is > 0 and var first)
                {
                    clock = Stopwatch.StartNew();
                    decodedBeforeClock = first;
                }

                await Task.Delay(1).ConfigureAwait(false);
            }

            var seconds = clock?.Elapsed.TotalSeconds ?? 0;
            var events = (long)(decodedCount.Value - decodedBeforeClock);
            while (host.EventsIn < expected && limit.Elapsed.TotalSeconds < o.TimeoutSeconds - 15)
            {
                await Task.Delay(5).ConfigureAwait(false);
            }

            var committedSeconds = clock?.Elapsed.TotalSeconds ?? 0;
            var total = host.EventsIn;
            var allocated = allocations.Allocations(total);
            var alerts = host.AlertsEmitted;
            var letters = host.DeadLettered;
            await host.StopAsync().ConfigureAwait(false);
            foreach (var sink in sinks)
            {
                await sink.DisposeAsync().ConfigureAwait(false);
            }

            return new Measurement
            {
                Name = name,
                Events = events,
                Seconds = seconds,
                Note = what + $"; {alerts:N0} alerts, {letters:N0} dead letters; {allocated} (the whole process, start-up included); first to last event decoded (all output written and committed {committedSeconds:0.0} s after the first)"
                    + (total < expected ? $"; STOPPED at the time limit after {total:N0} of {expected:N0}" : string.Empty),
            };
        }
    }

    private static Measurement Consume(E2eOptions o, string name, string topic, long expected, Func<ConsumeResult<byte[], byte[]>, int> step, string note)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaTopics.ConsumerConfig(o.Bootstrap!, name + "-" + Guid.NewGuid().ToString("N"))).Build();
        consumer.Subscribe(topic);
        var limit = Stopwatch.StartNew();
        Stopwatch? clock = null;
        long records = 0;
        long events = 0;
        var total = name.EndsWith(".arrow", StringComparison.Ordinal) ? o.ArrowN : expected;
        while (events < total && limit.Elapsed.TotalSeconds < o.TimeoutSeconds - 5)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is null)
            {
                continue;
            }

            clock ??= Stopwatch.StartNew();
            records++;
            events += step(result);
        }

        var seconds = clock?.Elapsed.TotalSeconds ?? 0;
        consumer.Close();
        return new Measurement
        {
            Name = name,
            Events = events,
            Seconds = seconds,
            Note = note + $"; {records:N0} records" + (events < total ? $"; STOPPED at the time limit after {events:N0} of {total:N0}" : string.Empty),
        };
    }
}
