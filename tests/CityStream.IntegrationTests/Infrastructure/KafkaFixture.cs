using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace CityStream.IntegrationTests.Infrastructure;

/// <summary>
/// A real Kafka broker for integration tests, found in this order: the <c>CITYSTREAM_KAFKA</c> environment variable (bootstrap
/// servers, e.g. <c>127.0.0.1:9092</c>); else <c>shared/kafka/kafka.sh</c> found beside the repository, started on a free
/// loopback port in a temporary directory and stopped on dispose; else unavailable, with <see cref="SkipReason"/> saying why.
/// Tests call <c>Skip.IfNot(fixture.Available, fixture.SkipReason)</c> in a <c>[SkippableFact]</c> so that without a broker
/// they are reported as skipped, never as passed. Tests share the broker: give every test its own topics (a unique prefix).
/// </summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    /// <summary>Environment variable naming an existing broker to test against.</summary>
    public const string EnvironmentVariable = "CITYSTREAM_KAFKA";

    private const int StartAttempts = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private string? _script;
    private string? _dataDirectory;

    /// <summary>Whether a broker is there to test against.</summary>
    public bool Available { get; private set; }

    /// <summary>Why no broker is available; null when one is.</summary>
    public string? SkipReason { get; private set; } = "The Kafka fixture was not initialised.";

    /// <summary>Bootstrap servers of the broker (empty when unavailable).</summary>
    public string BootstrapServers { get; private set; } = string.Empty;

    /// <summary>A topic prefix no other test uses, e.g. <c>t3f2a….</c>.</summary>
    public static string NewTopicPrefix() => "t" + Guid.NewGuid().ToString("N") + ".";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            MarkAvailable(configured.Trim());
            return;
        }

        _script = FindKafkaScript();
        if (_script is null)
        {
            SkipReason = $"No Kafka: set {EnvironmentVariable} (e.g. 127.0.0.1:9092) or provide shared/kafka/kafka.sh beside the repository (see DESIGN.md §9).";
            return;
        }

        // A port found free is only free until someone else takes it; a lost race is retried on other ports.
        for (var attempt = 0; attempt < StartAttempts && !Available; attempt++)
        {
            await StartBrokerAsync(_script).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_script is not null && _dataDirectory is not null)
        {
            await RunScriptAsync(_script, ["stop", _dataDirectory], TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // The broker may still hold a file for a moment; the temp directory is wiped at the next start anyway.
            }

            _dataDirectory = null;
        }
    }

    /// <summary>Creates topics (those that exist already are left as they are).</summary>
    public async Task CreateTopicsAsync(IEnumerable<string> names, int partitions, IReadOnlyDictionary<string, string>? configs = null)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var specifications = names.Select(name => new TopicSpecification
        {
            Name = name,
            NumPartitions = partitions,
            ReplicationFactor = 1,
            Configs = configs?.ToDictionary(kv => kv.Key, kv => kv.Value),
        }).ToList();
        try
        {
            await admin.CreateTopicsAsync(specifications).ConfigureAwait(false);
        }
        catch (CreateTopicsException ex) when (ex.Results.TrueForAll(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Already there: what was asked for.
        }
    }

    /// <summary>Produces records and waits until the broker has them all.</summary>
    public async Task ProduceAsync(string topic, IEnumerable<TestRecord> records)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            Partitioner = Partitioner.Murmur2Random,
            LingerMs = 5,
        };
        using var producer = new ProducerBuilder<byte[]?, byte[]>(config).Build();
        var deliveries = new List<Task<DeliveryResult<byte[]?, byte[]>>>();
        foreach (var record in records)
        {
            var message = new Message<byte[]?, byte[]>
            {
                Key = record.Key is null ? null : Encoding.UTF8.GetBytes(record.Key),
                Value = record.Value,
                Headers = [],
            };
            if (record.ContentType is not null)
            {
                message.Headers.Add("content-type", Encoding.UTF8.GetBytes(record.ContentType));
            }

            deliveries.Add(producer.ProduceAsync(topic, message));
        }

        await Task.WhenAll(deliveries).ConfigureAwait(false);
    }

    /// <summary>Every record in a topic now (all partitions, from the beginning to the current end), with its headers.</summary>
    public Task<IReadOnlyList<ConsumedRecord>> ConsumeAllAsync(string topic, TimeSpan timeout) =>
        Task.Run<IReadOnlyList<ConsumedRecord>>(() => ConsumeAll(topic, timeout));

    /// <summary>The offsets a consumer group has committed for a topic's partitions (<see cref="Offset.Unset"/> where none), without joining the group.</summary>
    public IReadOnlyList<TopicPartitionOffset> CommittedOffsets(string groupId, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = groupId }).Build();
        return consumer.Committed(partitions, TimeSpan.FromSeconds(10));
    }

    /// <summary>The names of the topics that exist and start with a prefix.</summary>
    public IReadOnlyList<string> TopicsStartingWith(string prefix)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        return [.. admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics
            .Where(t => t.Error.Code == ErrorCode.NoError && t.Topic.StartsWith(prefix, StringComparison.Ordinal))
            .Select(t => t.Topic)
            .Order(StringComparer.Ordinal)];
    }

    private List<ConsumedRecord> ConsumeAll(string topic, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "citystream-test-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single();
        if (metadata.Error.Code != ErrorCode.NoError)
        {
            throw new InvalidOperationException($"topic {topic}: {metadata.Error.Reason}");
        }

        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        var ends = new Dictionary<int, long>();
        foreach (var partition in metadata.Partitions)
        {
            var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition.PartitionId), TimeSpan.FromSeconds(10));
            if (watermarks.High.Value > watermarks.Low.Value)
            {
                ends[partition.PartitionId] = watermarks.High.Value;
            }
        }

        var records = new List<ConsumedRecord>();
        if (ends.Count == 0)
        {
            return records;
        }

        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var remaining = new HashSet<int>(ends.Keys);
        while (remaining.Count > 0)
        {
            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"read {records.Count} records of {topic} in {timeout}; partitions {string.Join(",", remaining)} not read to their end");
            }

            var result = consumer.Consume(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500));
            if (result is null || result.IsPartitionEOF)
            {
                // Offsets can have gaps (compaction, control records): a partition is done once its position reached the end.
                remaining.RemoveWhere(p => consumer.Position(new TopicPartition(topic, p)).Value >= ends[p]);
                continue;
            }

            var headers = new List<KeyValuePair<string, string>>();
            foreach (var header in result.Message.Headers ?? [])
            {
                headers.Add(new(header.Key, Encoding.UTF8.GetString(header.GetValueBytes())));
            }

            records.Add(new ConsumedRecord(
                result.Topic,
                result.Partition.Value,
                result.Offset.Value,
                result.Message.Key is null ? null : Encoding.UTF8.GetString(result.Message.Key),
                result.Message.Value ?? [],
                headers));
            if (result.Offset.Value + 1 >= ends[result.Partition.Value])
            {
                remaining.Remove(result.Partition.Value);
            }
        }

        return records;
    }

    private async Task StartBrokerAsync(string script)
    {
        var port = FreePortPair();
        _dataDirectory = Path.Combine(Path.GetTempPath(), "citystream-kafka-test-" + Guid.NewGuid().ToString("N"));
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var (exitCode, output) = await RunScriptAsync(script, ["start", portText, _dataDirectory], StartTimeout).ConfigureAwait(false);
        if (exitCode == 0)
        {
            MarkAvailable("127.0.0.1:" + portText);
            return;
        }

        SkipReason = $"{script} start {portText} failed (exit {exitCode}): {output}";
        await RunScriptAsync(script, ["stop", _dataDirectory], TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    private void MarkAvailable(string bootstrapServers)
    {
        BootstrapServers = bootstrapServers;
        Available = true;
        SkipReason = null;
    }

    private static async Task<(int ExitCode, string Output)> RunScriptAsync(string script, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout.TotalSeconds} s");
        }

        return (process.ExitCode, ((await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false))).Trim());
    }

    /// <summary>A free loopback port whose successor is free too (the broker's controller listens on PORT+1).</summary>
    private static int FreePortPair()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            if (port >= IPEndPoint.MaxPort)
            {
                continue;
            }

            try
            {
                using var second = new TcpListener(IPAddress.Loopback, port + 1);
                second.Start();
                return port;
            }
            catch (SocketException)
            {
                // Successor taken: try another.
            }
        }

        throw new InvalidOperationException("no free pair of loopback ports");
    }

    /// <summary>Walks up from the test binaries to <c>D/shared/kafka/kafka.sh</c>, or to the repository root (the folder of CityStream.sln) and its sibling <c>shared/kafka/kafka.sh</c>.</summary>
    private static string? FindKafkaScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var inside = Path.Combine(directory.FullName, "shared", "kafka", "kafka.sh");
            if (File.Exists(inside))
            {
                return inside;
            }

            if (File.Exists(Path.Combine(directory.FullName, "CityStream.sln")) && directory.Parent is { } parent)
            {
                var beside = Path.Combine(parent.FullName, "shared", "kafka", "kafka.sh");
                if (File.Exists(beside))
                {
                    return beside;
                }
            }
        }

        return null;
    }
}

/// <summary>A record to produce: key, value and the <c>content-type</c> header (null: no header).</summary>
public sealed record TestRecord(string? Key, byte[] Value, string? ContentType);

/// <summary>A record read back from a topic, with its headers (values as UTF-8 text).</summary>
public sealed record ConsumedRecord(string Topic, int Partition, long Offset, string? Key, byte[] Value, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>The last value of a header, or null.</summary>
    public string? Header(string name)
    {
        string? value = null;
        foreach (var header in Headers)
        {
            if (header.Key == name)
            {
                value = header.Value;
            }
        }

        return value;
    }
}

/// <summary>
/// The xunit collection of tests that need the real services: put <c>[Collection(SharedServices.Name)]</c> on a test class
/// and take a <see cref="KafkaFixture"/> and/or a <see cref="RedisFixture"/> in its constructor.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedServices : ICollectionFixture<KafkaFixture>, ICollectionFixture<RedisFixture>
{
    /// <summary>Name of the collection.</summary>
    public const string Name = "services";
}
