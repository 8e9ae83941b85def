using System.Diagnostics;
using CityStream.Engine;
using Confluent.Kafka;

namespace CityStream.Benchmarks.E2e;

/// <summary>
/// Latency at a sustained rate: a producer paces the peers' JSON events at <c>--rate</c> for <c>--latency-s</c> seconds (record
/// timestamp = send time) while CityStream's decode and rule run behind a bare consumer in the same process; latency of an event
/// is the time from its send to the end of its processing.
/// </summary>
internal static class LatencyRun
{
    public static async Task<Measurement> RunAsync(E2eOptions o)
    {
        var topic = KafkaTopics.Latency(o);
        await KafkaTopics.CreateAsync(o.Bootstrap!, topic).ConfigureAwait(false);
        var total = (long)o.Rate * o.LatencySeconds;
        var config = KafkaTopics.ProducerConfig(o.Bootstrap!);
        config.LingerMs = 5;
        var produce = Task.Run(() =>
        {
            using var producer = new ProducerBuilder<string, byte[]>(config).Build();
            var clock = Stopwatch.StartNew();
            for (long i = 0; i < total; i++)
            {
                var due = TimeSpan.FromSeconds(i / (double)o.Rate);
                // Read once: the clock moves between a test and a second read, and a negative sleep throws (a run died of it).
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    Thread.Sleep(wait);
                }

                KafkaTopics.ProduceWithBackpressure(producer, topic, new Message<string, byte[]> { Key = PeerWorkload.Key(i, o.Keys), Value = PeerWorkload.Json(i, o.Keys) });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
            return clock.Elapsed.TotalSeconds;
        });

        var latencies = new List<double>((int)total);
        var counter = new WindowCounter(PeerWorkload.Schema, PeerRule.WindowMs, PeerRule.Threshold);
        var decoded = new DecodedBatch();
        using (var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaTopics.ConsumerConfig(o.Bootstrap!, topic + "-" + Guid.NewGuid().ToString("N"))).Build())
        {
            consumer.Subscribe(topic);
            var limit = Stopwatch.StartNew();
            while (latencies.Count < total && limit.Elapsed.TotalSeconds < o.LatencySeconds + 30)
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (r is null)
                {
                    continue;
                }

                decoded.Clear();
                EventCodec.Decode(PeerWorkload.Schema, r.Message.Value, null, new EventOrigin(r.Topic, r.Partition.Value, r.Offset.Value), decoded);
                foreach (var e in decoded.Events)
                {
                    counter.OnEvent(e);
                }

                latencies.Add(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - r.Message.Timestamp.UnixTimestampMs);
            }

            consumer.Close();
        }

        var sendSeconds = await produce.ConfigureAwait(false);
        latencies.Sort();
        double Percentile(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))];
        return new Measurement
        {
            Name = "kafka.latency.citystream-consumer",
            Events = latencies.Count,
            Seconds = sendSeconds,
            P50Ms = Percentile(0.50),
            P99Ms = Percentile(0.99),
            Note = $"paced at {o.Rate:N0}/s for {o.LatencySeconds} s; send-to-processed, bare consumer + decode + rule; rate column = achieved send rate",
        };
    }
}
