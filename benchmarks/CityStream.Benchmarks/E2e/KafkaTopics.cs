using System.Text;
using CityStream.Engine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace CityStream.Benchmarks.E2e;

/// <summary>The topics of one run and the clients that write them.</summary>
internal static class KafkaTopics
{
    public const int Partitions = 4;

    public static string PeerJson(E2eOptions o) => o.RunId + ".peer-in";

    /// <summary>The peers' events as Arrow batches: <c>peer-in</c> under the prefix <see cref="PeerArrowPrefix"/>, so a KafkaHost reading the peers' source finds it.</summary>
    public static string PeerArrow(E2eOptions o) => PeerArrowPrefix(o) + "peer-in";

    /// <summary>Topic prefix of a KafkaHost reading the peers' JSON topic (<see cref="PeerJson"/>).</summary>
    public static string PeerJsonPrefix(E2eOptions o) => o.RunId + ".";

    public static string PeerArrowPrefix(E2eOptions o) => o.RunId + ".arrow-peer.";

    public static string Latency(E2eOptions o) => o.RunId + ".latency";

    /// <summary>Prefix of the KafkaHost's topics for the JSON or the Arrow load (each host reads <c>prefix + city.hotline</c>).</summary>
    public static string HostPrefix(E2eOptions o, bool arrow) => o.RunId + (arrow ? ".arrow." : ".json.");

    public static ProducerConfig ProducerConfig(string bootstrap) => new()
    {
        BootstrapServers = bootstrap,
        LingerMs = 10,
        BatchSize = 262_144,
        CompressionType = CompressionType.Lz4,
        Acks = Acks.Leader,
        Partitioner = Partitioner.Murmur2Random,
        QueueBufferingMaxKbytes = 1_048_576,
        MessageMaxBytes = 8 * 1024 * 1024,
    };

    public static ConsumerConfig ConsumerConfig(string bootstrap, string group) => new()
    {
        BootstrapServers = bootstrap,
        GroupId = group,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = false,
        EnablePartitionEof = false,
        FetchMaxBytes = 64 * 1024 * 1024,
        MaxPartitionFetchBytes = 16 * 1024 * 1024,
        // As the host's consumers: the ceiling of any .NET consumer only with the same setting.
        FetchQueueBackoffMs = CityStream.Connectors.Kafka.Internal.ConsumerSettings.FetchQueueBackoffMs,
    };

    public static async Task CreateAsync(string bootstrap, params string[] topics)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        try
        {
            await admin.CreateTopicsAsync([.. topics.Select(t => new TopicSpecification { Name = t, NumPartitions = Partitions, ReplicationFactor = 1 })]).ConfigureAwait(false);
        }
        catch (CreateTopicsException ex) when (ex.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
        }
    }

    /// <summary>Writes the peers' load as Arrow batches of <c>o.Batch</c> events, sharded by key so a key's events stay on one partition in order.</summary>
    public static async Task<long> WriteArrowAsync(E2eOptions o, string topic, bool hotline)
    {
        await CreateAsync(o.Bootstrap!, topic).ConfigureAwait(false);
        using var producer = new ProducerBuilder<string, byte[]>(ProducerConfig(o.Bootstrap!)).Build();
        // One shard per partition, written to that partition: a partition then holds its events in event-time order, as a
        // connector per partition would write them (two time-sliced shards in one partition made most events late).
        const int shards = Partitions;
        var pending = new List<long>[shards];
        for (var s = 0; s < shards; s++)
        {
            pending[s] = new List<long>(o.Batch);
        }

        long records = 0;
        void Flush(int shard)
        {
            var events = new CityEvent[pending[shard].Count];
            for (var r = 0; r < events.Length; r++)
            {
                events[r] = hotline ? PeerWorkload.HotlineEvent(pending[shard][r], o.Keys) : PeerWorkload.Event(pending[shard][r], o.Keys);
            }

            var message = new Message<string, byte[]>
            {
                Key = "shard-" + shard,
                Value = EventCodec.ToArrowBatch(events),
                Headers = [new Header(ContentTypes.HeaderName, Encoding.UTF8.GetBytes(ContentTypes.Arrow))],
            };
            ProduceWithBackpressure(producer, new TopicPartition(topic, new Partition(shard)), message);
            records++;
            pending[shard].Clear();
        }

        for (long i = 0; i < o.ArrowN; i++)
        {
            var shard = (int)(i % o.Keys % shards);
            pending[shard].Add(i);
            if (pending[shard].Count == o.Batch)
            {
                Flush(shard);
            }
        }

        for (var s = 0; s < shards; s++)
        {
            if (pending[s].Count > 0)
            {
                Flush(s);
            }
        }

        producer.Flush(TimeSpan.FromMinutes(2));
        return records;
    }

    /// <summary>Writes the peers' load as one JSON event per record in CityStream's hotline schema, keyed like the peers' topic.</summary>
    public static async Task WriteHotlineJsonAsync(E2eOptions o, string topic)
    {
        await CreateAsync(o.Bootstrap!, topic).ConfigureAwait(false);
        using var producer = new ProducerBuilder<string, byte[]>(ProducerConfig(o.Bootstrap!)).Build();
        var header = Encoding.UTF8.GetBytes(ContentTypes.Json);
        for (long i = 0; i < o.KafkaN; i++)
        {
            ProduceWithBackpressure(producer, topic, new Message<string, byte[]>
            {
                Key = PeerWorkload.Key(i, o.Keys),
                Value = PeerWorkload.HotlineJson(i, o.Keys),
                Headers = [new Header(ContentTypes.HeaderName, header)],
            });
        }

        producer.Flush(TimeSpan.FromMinutes(2));
    }

    public static void ProduceWithBackpressure<TKey>(IProducer<TKey, byte[]> producer, string topic, Message<TKey, byte[]> message) =>
        ProduceWithBackpressure(producer, new TopicPartition(topic, Partition.Any), message);

    public static void ProduceWithBackpressure<TKey>(IProducer<TKey, byte[]> producer, TopicPartition target, Message<TKey, byte[]> message)
    {
        while (true)
        {
            try
            {
                producer.Produce(target, message);
                return;
            }
            catch (ProduceException<TKey, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }
}
