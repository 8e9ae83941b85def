using System.Text;
using CityStream.Engine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace CityStream.Connectors.Simulator.Internal.Outputs;

/// <summary>Produces a run to Kafka, creating its topics first.</summary>
internal static class KafkaOutput
{
    private static readonly string[] SourceTopics = ["city.hotline", "city.utility", "city.vehicle-gps", "city.video-alert", "city.grid-report", "city.police-event"];

    public static async Task<SimulationSummary> WriteAsync(CitySimulator sim, string bootstrapServers, int partitions, Func<string, string> topicName, CancellationToken ct)
    {
        await CreateTopicsAsync(bootstrapServers, partitions, topicName).ConfigureAwait(false);
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Partitioner = Partitioner.Murmur2Random,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
            Acks = Acks.All,
            EnableIdempotence = true,
            MessageMaxBytes = 1_000_000,
        };
        var counter = new SummaryCounter();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        Exception? deliveryError = null;
        using var producer = new ProducerBuilder<string, byte[]>(config).Build();
        var contentTypes = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [ContentTypes.Json] = Encoding.UTF8.GetBytes(ContentTypes.Json),
            [ContentTypes.Arrow] = Encoding.UTF8.GetBytes(ContentTypes.Arrow),
        };
        void OnDelivery(DeliveryReport<string, byte[]> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.CompareExchange(ref deliveryError, new KafkaException(report.Error), null);
            }
        }

        try
        {
            foreach (var record in sim.Generate())
            {
                if (ct.IsCancellationRequested || deliveryError is not null)
                {
                    break;
                }

                if (!names.TryGetValue(record.Topic, out var topic))
                {
                    topic = topicName(record.Topic);
                    names.Add(record.Topic, topic);
                }

                var message = new Message<string, byte[]>
                {
                    Key = record.Key,
                    Value = record.Value,
                    Headers = [new Header(ContentTypes.HeaderName, contentTypes[record.ContentType])],
                };
                while (true)
                {
                    try
                    {
                        producer.Produce(topic, message, OnDelivery);
                        break;
                    }
                    catch (ProduceException<string, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(50));
                    }
                }

                counter.Add(record);
            }
        }
        finally
        {
            producer.Flush(TimeSpan.FromSeconds(60));
        }

        if (deliveryError is not null)
        {
            throw new InvalidOperationException("the simulator could not deliver every record to Kafka", deliveryError);
        }

        ct.ThrowIfCancellationRequested();
        return counter.ToSummary();
    }

    private static async Task CreateTopicsAsync(string bootstrapServers, int partitions, Func<string, string> topicName)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var specs = new List<TopicSpecification>();
        foreach (var topic in SourceTopics)
        {
            specs.Add(new TopicSpecification { Name = topicName(topic), NumPartitions = partitions, ReplicationFactor = 1 });
        }

        try
        {
            await admin.CreateTopicsAsync(specs).ConfigureAwait(false);
        }
        catch (CreateTopicsException ex) when (ex.Results.TrueForAll(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Topics that exist already are fine: several runs may feed the same topics.
        }
    }
}
