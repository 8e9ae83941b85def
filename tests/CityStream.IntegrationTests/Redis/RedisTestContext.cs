using CityStream.Connectors.Redis;
using CityStream.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace CityStream.IntegrationTests.Redis;

/// <summary>One test's sink, its own key prefix and a separate connection to look at what the sink wrote.</summary>
internal sealed class RedisTestContext : IAsyncDisposable
{
    private static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(10);

    private RedisTestContext(RedisAlertSink sink, ConnectionMultiplexer reader, string prefix)
    {
        Sink = sink;
        Reader = reader;
        Prefix = prefix;
    }

    public RedisAlertSink Sink { get; }

    public ConnectionMultiplexer Reader { get; }

    public IDatabase Db => Reader.GetDatabase();

    public string Prefix { get; }

    public static async Task<RedisTestContext> CreateAsync(RedisFixture fixture, int maxRetries = 5, TimeSpan? initialBackoff = null, int streamMaxLength = 100_000)
    {
        var prefix = RedisFixture.NewKeyPrefix();
        var reader = await ConnectionMultiplexer.ConnectAsync(fixture.Configuration);
        var sink = await RedisAlertSink.ConnectAsync(
            new RedisSinkOptions
            {
                Configuration = fixture.Configuration,
                KeyPrefix = prefix,
                MaxRetries = maxRetries,
                InitialBackoff = initialBackoff ?? TimeSpan.FromMilliseconds(100),
                StreamMaxLength = streamMaxLength,
            },
            CancellationToken.None);
        return new RedisTestContext(sink, reader, prefix);
    }

    public RedisKey AlertHash(string id) => Prefix + "alert:" + id;

    public RedisKey Stream(string pack) => Prefix + "alerts:" + pack;

    public RedisKey OpenSet(string pack) => Prefix + "open:" + pack;

    public RedisKey GeoIndex(string pack) => Prefix + "geo:" + pack;

    public RedisChannel LiveChannel(string pack) => RedisChannel.Literal(Prefix + "live:" + pack);

    public async Task<ChannelMessageQueue> SubscribeAsync(string pack) =>
        await Reader.GetSubscriber().SubscribeAsync(LiveChannel(pack));

    /// <summary>
    /// Publishes an end marker after the sink's writes and returns every message received before it: Redis delivers
    /// a channel's messages in order, so when the marker arrives every earlier publish has arrived too.
    /// </summary>
    public async Task<List<string>> DrainAsync(ChannelMessageQueue queue, string pack)
    {
        var marker = "end-" + Guid.NewGuid().ToString("N");
        await Db.PublishAsync(LiveChannel(pack), marker);
        var messages = new List<string>();
        using var timeout = new CancellationTokenSource(MessageTimeout);
        while (true)
        {
            var message = await queue.ReadAsync(timeout.Token);
            var text = (string)message.Message!;
            if (text == marker)
            {
                return messages;
            }

            messages.Add(text);
        }
    }

    public async ValueTask DisposeAsync()
    {
        var server = Reader.GetServer(Reader.GetEndPoints()[0]);
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: Prefix + "*"))
        {
            keys.Add(key);
        }

        if (keys.Count > 0)
        {
            await Db.KeyDeleteAsync(keys.ToArray());
        }

        await Sink.DisposeAsync();
        await Reader.DisposeAsync();
    }
}
