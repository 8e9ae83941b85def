using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Stream;
using Streamiz.Kafka.Net.Table;

namespace CityStream.Benchmarks.E2e;

/// <summary>The plain Streamiz reference: the DSL topology the Kafka Streams peer runs (group by key, tumbling 60 s count, keep ≥ 5), 2 stream threads, in-memory window store.</summary>
internal static class StreamizPeer
{
    public static async Task<Measurement> RunAsync(E2eOptions o)
    {
        long seen = 0;
        var builder = new StreamBuilder();
        builder.Stream<string, byte[]>(KafkaTopics.PeerJson(o))
            .Peek((_, _, _) => Interlocked.Increment(ref seen))
            .GroupByKey()
            .WindowedBy(TumblingWindowOptions.Of(TimeSpan.FromMilliseconds(PeerRule.WindowMs)))
            .Count(InMemoryWindows.As<string, long>("peer-counts"))
            .ToStream()
            .Filter((_, count, _) => count >= PeerRule.Threshold)
            .Map((key, count, _) => KeyValuePair.Create(key.Key + "@" + key.Window.StartMs, count))
            .To<StringSerDes, Int64SerDes>(o.RunId + ".streamiz-out");

        using var loggers = LoggerFactory.Create(l => l.SetMinimumLevel(LogLevel.Error));
        var config = new StreamConfig<StringSerDes, ByteArraySerDes>
        {
            ApplicationId = o.RunId + "-streamiz-peer",
            BootstrapServers = o.Bootstrap!,
            NumStreamThreads = 2,
            AutoOffsetReset = Confluent.Kafka.AutoOffsetReset.Earliest,
            StateDir = Path.Combine(Path.GetTempPath(), "citystream-bench-streamiz-" + o.RunId),
            Logger = loggers,
        };
        var stream = new KafkaStream(builder.Build(), config);
        var limit = Stopwatch.StartNew();
        await stream.StartAsync().ConfigureAwait(false);
        Stopwatch? clock = null;
        while (Interlocked.Read(ref seen) < o.KafkaN && limit.Elapsed.TotalSeconds < o.TimeoutSeconds - 15)
        {
            if (clock is null && Interlocked.Read(ref seen) > 0)
            {
                clock = Stopwatch.StartNew();
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        var seconds = clock?.Elapsed.TotalSeconds ?? 0;
        var events = Interlocked.Read(ref seen);
        var close = Task.Run(stream.Dispose);
        await Task.WhenAny(close, Task.Delay(TimeSpan.FromSeconds(20))).ConfigureAwait(false); // a close that hangs must not lose the figure
        return new Measurement
        {
            Name = "kafka.streamiz-dsl.json",
            Events = events,
            Seconds = seconds,
            Note = "Streamiz 1.8.2 DSL, 2 threads, in-memory window store" + (events < o.KafkaN ? $"; STOPPED at the time limit after {events:N0} of {o.KafkaN:N0}" : string.Empty),
        };
    }
}
