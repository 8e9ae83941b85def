using System.Diagnostics;
using System.Globalization;
using System.Text;
using CityStream.Connectors.Kafka;
using CityStream.Engine;
using Confluent.Kafka;

namespace CityStream.Benchmarks.E2e;

/// <summary>
/// Event-to-alert latency through the KafkaHost at a sustained rate: a producer paces hotline-schema JSON events at <c>--rate</c> for
/// a 3 s warm-up plus <c>--latency-s</c> seconds, each event's time being the wall clock when it is handed to the producer; the host
/// runs every shipped pack (2 stream threads, commit interval <c>--commit-ms</c>). One event in 50 is a gas-smell ticket from a grid of
/// its own, which the shipped <c>hotline.gas-smell</c> match rule turns into an alert (1,000 alerts/s at 50 k/s, spread evenly); the
/// rest are noise tickets over 10,000 grids that every hotline rule evaluates. Latency of an alert = the wall clock when it reaches
/// an extra alert sink of the host (written by the host's background writer together with the warning topic, as soon as the write
/// before it is done) minus its
/// triggering event's time; alerts of warm-up events are left out.
/// </summary>
internal static class HostLatencyRun
{
    private const int WarmSeconds = 3;
    private const int AlertEvery = 50;

    public static async Task<Measurement> RunAsync(E2eOptions o)
    {
        var prefix = o.RunId + ".lat.";
        var topic = prefix + "city.hotline";
        await KafkaTopics.CreateAsync(o.Bootstrap!, topic).ConfigureAwait(false);
        var sink = new LatencySink();
        var options = new KafkaHostOptions
        {
            BootstrapServers = o.Bootstrap!,
            ApplicationId = o.RunId + "-host-latency",
            TopicPrefix = prefix,
            Threads = 2,
            ReadFromEarliest = true,
            CommitIntervalMs = o.CommitMs,
            StateDirectory = Path.Combine(Path.GetTempPath(), "citystream-bench-" + o.RunId + "-latency"),
        };
        var host = new KafkaHost(options, RulePacks.Shipped(), [sink]);
        await using (host.ConfigureAwait(false))
        {
            await host.StartAsync(CancellationToken.None).ConfigureAwait(false);
            var primed = Stopwatch.StartNew();
            Produce(o, topic, 1, start: -1);
            while (host.EventsIn < 1 && primed.Elapsed.TotalSeconds < 60)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }

            var startup = primed.Elapsed.TotalSeconds;
            var total = (long)o.Rate * (o.LatencySeconds + WarmSeconds);
            var measuredFrom = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (WarmSeconds * 1000L) + 500;
            var sendSeconds = await Task.Run(() => Produce(o, topic, total, start: 0)).ConfigureAwait(false);
            var limit = Stopwatch.StartNew();
            while (host.EventsIn < total + 1 && limit.Elapsed.TotalSeconds < 30)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }

            await Task.Delay(Math.Max(500, 3 * o.CommitMs)).ConfigureAwait(false);
            var eventsIn = host.EventsIn;
            await host.StopAsync().ConfigureAwait(false);
            var (arrival, emit) = sink.Latencies(measuredFrom);
            return new Measurement
            {
                Name = "kafka.latency.citystream-host",
                Events = total,
                Seconds = sendSeconds,
                P50Ms = Percentile(arrival, 0.50),
                P99Ms = Percentile(arrival, 0.99),
                Note = string.Create(CultureInfo.InvariantCulture,
                    $"KafkaHost, 2 threads, all shipped packs, commit every {o.CommitMs} ms; paced at {o.Rate:N0}/s for {WarmSeconds} s warm-up + {o.LatencySeconds} s; latency = alert at the host's sink minus the event's produce time, over {arrival.Count:N0} alerts (max {Percentile(arrival, 1.0):0} ms); alert EmitTime minus produce time p50 {Percentile(emit, 0.50):0} / p99 {Percentile(emit, 0.99):0} ms; {eventsIn:N0} events in; host ready {startup:0.0} s after start; rate column = achieved send rate"),
            };
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    /// <summary>Events [start, start + total) paced at the rate; event -1 primes the host (its first record ends the rebalance wait).</summary>
    private static double Produce(E2eOptions o, string topic, long total, long start)
    {
        var config = KafkaTopics.ProducerConfig(o.Bootstrap!);
        config.LingerMs = 5;
        var header = Encoding.UTF8.GetBytes(ContentTypes.Json);
        using var producer = new ProducerBuilder<string, byte[]>(config).Build();
        var clock = Stopwatch.StartNew();
        for (var i = start; i < start + total; i++)
        {
            var due = TimeSpan.FromSeconds((i - start) / (double)o.Rate);
            // Read once: the clock moves between a test and a second read, and a negative sleep throws (a run died of it).
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }

            var alerting = i >= 0 && i % AlertEvery == 0;
            var grid = alerting ? "g" + i.ToString(CultureInfo.InvariantCulture) : PeerWorkload.Key(Math.Abs(i), o.Keys);
            var json = string.Create(CultureInfo.InvariantCulture,
                $"{{\"id\":\"l{i}\",\"ts\":{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()},\"category\":\"{(alerting ? "gas_smell" : "noise")}\",\"subject\":\"noise\",\"text\":\"{PeerWorkload.Text}\",\"district\":\"D{i % 9}\",\"grid\":\"{grid}\"}}");
            KafkaTopics.ProduceWithBackpressure(producer, topic, new Message<string, byte[]>
            {
                Key = grid,
                Value = Encoding.UTF8.GetBytes(json),
                Headers = [new Header(ContentTypes.HeaderName, header)],
            });
        }

        producer.Flush(TimeSpan.FromSeconds(30));
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>An extra alert sink of the host that notes, per alert, when it arrived and when the runtime emitted it.</summary>
    private sealed class LatencySink : IAlertSink
    {
        private readonly List<(long EventTime, long Arrival, long Emit)> _seen = [];

        public string Name => "latency";

        public ValueTask WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            lock (_seen)
            {
                foreach (var alert in alerts)
                {
                    if (alert.Rule == "hotline.gas-smell")
                    {
                        _seen.Add((alert.LastEventTime, now, alert.EmitTime));
                    }
                }
            }

            return ValueTask.CompletedTask;
        }

        public (List<double> Arrival, List<double> Emit) Latencies(long eventsFrom)
        {
            var arrival = new List<double>();
            var emit = new List<double>();
            lock (_seen)
            {
                foreach (var (eventTime, at, emitted) in _seen)
                {
                    if (eventTime >= eventsFrom)
                    {
                        arrival.Add(at - eventTime);
                        emit.Add(emitted - eventTime);
                    }
                }
            }

            arrival.Sort();
            emit.Sort();
            return (arrival, emit);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
