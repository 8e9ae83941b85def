namespace CityStream.Connectors.Redis;

/// <summary>Settings of the <see cref="RedisAlertSink"/>.</summary>
public sealed class RedisSinkOptions
{
    /// <summary>
    /// StackExchange.Redis configuration string: one or more <c>host:port</c> endpoints and options,
    /// e.g. <c>127.0.0.1:6379</c> or <c>redis:6379,password=...,ssl=true</c>.
    /// </summary>
    public required string Configuration { get; init; }

    /// <summary>Prefix of every key and channel the sink writes (default <c>citystream:</c>), so one Redis can hold several deployments.</summary>
    public string KeyPrefix { get; init; } = "citystream:";

    /// <summary>How long an alert hash lives after it was written (default 7 days); it is also how long a re-written alert is recognised as a duplicate.</summary>
    public TimeSpan AlertTtl { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Approximate maximum number of entries kept in each pack's alert stream (default 100,000; trimmed with <c>XADD MAXLEN ~</c>).</summary>
    public int StreamMaxLength { get; init; } = 100_000;

    /// <summary>How many times a failed write is retried before the sink gives up and throws (default 5; 0 means no retry).</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>Wait before the first retry (default 100 ms); it doubles on each further retry, up to 30 seconds.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Configuration))
        {
            throw new ArgumentException("Redis configuration must not be empty.", nameof(Configuration));
        }

        ArgumentNullException.ThrowIfNull(KeyPrefix);
        if (AlertTtl < TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(AlertTtl), AlertTtl, "The alert TTL must be at least one millisecond.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(StreamMaxLength, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries);
        if (InitialBackoff < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialBackoff), InitialBackoff, "The backoff must not be negative.");
        }
    }
}
