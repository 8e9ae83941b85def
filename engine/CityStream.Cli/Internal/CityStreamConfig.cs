using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace CityStream.Cli.Internal;

/// <summary>The <c>citystream.yaml</c> of <c>run</c>. Every key is documented in the README; unknown keys are refused.</summary>
internal sealed class CityStreamConfig
{
    public KafkaSection Kafka { get; set; } = new();

    public RedisSection? Redis { get; set; }

    public RulesSection Rules { get; set; } = new();

    public MetricsSection Metrics { get; set; } = new();

    public static CityStreamConfig Load(string path)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        try
        {
            return deserializer.Deserialize<CityStreamConfig>(File.ReadAllText(path)) ?? new CityStreamConfig();
        }
        catch (YamlException ex)
        {
            // The one enumeration of the file is kafka.consumption: name its values, not just the one that is wrong.
            var allowed = ex.InnerException is ArgumentException ? " (kafka.consumption is batched or streamiz)" : string.Empty;
            throw new InvalidDataException($"{path}:{ex.Start.Line}:{ex.Start.Column}: {ex.InnerException?.Message ?? ex.Message}{allowed}", ex);
        }
    }

    internal sealed class KafkaSection
    {
        public string BootstrapServers { get; set; } = "127.0.0.1:9092";

        public string ApplicationId { get; set; } = "citystream";

        public string TopicPrefix { get; set; } = string.Empty;

        public string DeadLetterTopic { get; set; } = "city.dlq";

        public int Threads { get; set; } = 1;

        public CityStream.Connectors.Kafka.KafkaConsumption Consumption { get; set; } = CityStream.Connectors.Kafka.KafkaConsumption.Batched;

        public string? StateDirectory { get; set; }

        public int CommitIntervalMs { get; set; } = 1000;
    }

    internal sealed class RedisSection
    {
        public string Configuration { get; set; } = "127.0.0.1:6379";

        public string KeyPrefix { get; set; } = "citystream:";

        public string AlertTtl { get; set; } = "7d";
    }

    internal sealed class RulesSection
    {
        public string Directory { get; set; } = "rules";

        public bool Reload { get; set; } = true;
    }

    internal sealed class MetricsSection
    {
        public string Host { get; set; } = "127.0.0.1";

        public int Port { get; set; } = 9464;
    }
}
