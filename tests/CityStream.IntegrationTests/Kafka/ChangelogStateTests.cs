using System.Text;
using CityStream.Connectors.Kafka.Internal;
using CityStream.IntegrationTests.Infrastructure;
using Confluent.Kafka;

namespace CityStream.IntegrationTests.Kafka;

/// <summary>The batched host's changelog of a task: every entry a checkpoint puts is in the topic, and reads back as the last value per key.</summary>
[Collection(SharedServices.Name)]
public sealed class ChangelogStateTests(KafkaFixture kafka)
{
    [SkippableFact]
    public async Task A_checkpoint_larger_than_the_producer_queue_is_written_whole_and_reads_back_key_by_key()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var topic = KafkaFixture.NewTopicPrefix() + "changelog";
        await kafka.CreateTopicsAsync([topic], partitions: 1);
        var partition = new TopicPartition(topic, 0);
        var failed = 0;

        // A queue of 10 messages: a checkpoint of 2,000 keys overflows it many times over.
        using (var producer = new ProducerBuilder<byte[], byte[]?>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, QueueBufferingMaxMessages = 10, LingerMs = 5 }).Build())
        {
            var state = new ChangelogState(producer, partition, report => Interlocked.Add(ref failed, report.Error.IsError ? 1 : 0));
            for (var i = 0; i < 2_000; i++)
            {
                state.Put("k" + i, Encoding.UTF8.GetBytes("v" + i));
            }

            state.Put("k5", Encoding.UTF8.GetBytes("v5 again"));
            state.Put("k6", null);
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal(0, failed);
        using var reader = new ConsumerBuilder<byte[], byte[]?>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "reader-" + Guid.NewGuid().ToString("N"), EnableAutoCommit = false }).Build();
        using var unused = new ProducerBuilder<byte[], byte[]?>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var restored = new ChangelogState(unused, partition, _ => { });

        restored.ReadBack(reader, CancellationToken.None);

        var entries = restored.ReadAll().ToDictionary(e => e.Key, e => Encoding.UTF8.GetString(e.Value), StringComparer.Ordinal);
        Assert.Equal(1_999, entries.Count);
        Assert.Equal("v5 again", entries["k5"]);
        Assert.False(entries.ContainsKey("k6"));
        Assert.Equal("v1999", entries["k1999"]);
    }
}
