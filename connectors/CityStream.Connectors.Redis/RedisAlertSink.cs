using System.Runtime.ExceptionServices;
using CityStream.Connectors.Redis.Internal;
using CityStream.Engine;
using StackExchange.Redis;

namespace CityStream.Connectors.Redis;

/// <summary>
/// Writes alerts to Redis for consoles, dispatch systems and grid-worker apps.
/// </summary>
/// <remarks>
/// <para>Key layout (<c>{prefix}</c> is <see cref="RedisSinkOptions.KeyPrefix"/>, <c>citystream:</c> by default):</para>
/// <list type="table">
/// <listheader><term>Key or channel</term><description>Type and content</description></listheader>
/// <item><term><c>{prefix}alert:{id}</c></term><description>Hash, one per alert, expiring after <see cref="RedisSinkOptions.AlertTtl"/>.
/// Fields: <c>json</c> (the alert as in <c>schemas/alert.schema.json</c>), <c>rule</c>, <c>pack</c>, <c>severity</c>, <c>key</c>,
/// <c>first_event_time</c>, <c>last_event_time</c>, <c>emit_time</c> (epoch ms), <c>grid</c> and <c>route</c> (empty when unknown),
/// and <c>status</c>: <c>open</c> when written, then whatever <see cref="CloseAsync"/> set (e.g. <c>acknowledged</c>, <c>resolved</c>, <c>false_positive</c>).</description></item>
/// <item><term><c>{prefix}alerts:{pack}</c></term><description>Stream of the pack's alerts in write order, entries with fields <c>id</c> and <c>json</c>,
/// trimmed to about <see cref="RedisSinkOptions.StreamMaxLength"/> entries. Read it with <c>XREAD</c> or a consumer group.</description></item>
/// <item><term><c>{prefix}live:{pack}</c></term><description>Pub/sub channel; each new alert's JSON is published once (fire and forget: a subscriber that is
/// not connected misses it, the stream keeps it).</description></item>
/// <item><term><c>{prefix}open:{pack}</c></term><description>Sorted set of the ids of open alerts, scored by <c>last_event_time</c> (epoch ms);
/// <see cref="CloseAsync"/> removes an id.</description></item>
/// <item><term><c>{prefix}geo:{pack}</c></term><description>Geo index (<c>GEOSEARCH</c>, <c>GEOPOS</c>) of the ids of alerts that have a location
/// (WGS84; a location Redis cannot index, beyond ±85.05° latitude, is left out).</description></item>
/// </list>
/// <para>
/// Each alert is written by one Lua script that does nothing if the alert hash already exists, so writing an alert
/// again (a replay, a restart before the input offsets were committed) is one alert everywhere: one stream entry,
/// one publish, one open-set member. That holds for as long as the hash lives (<see cref="RedisSinkOptions.AlertTtl"/>).
/// The alerts of a batch are sent in one pipeline. The keys of an alert span several hash slots, so the sink needs a
/// standalone Redis 7.0 or later (or a primary with replicas), not Redis Cluster.
/// </para>
/// <para>
/// A failed write is retried with exponential backoff (<see cref="RedisSinkOptions.MaxRetries"/>,
/// <see cref="RedisSinkOptions.InitialBackoff"/>); only the alerts not yet written are sent again. After the last
/// retry the sink throws <see cref="RedisSinkException"/>. Metrics: <c>citystream_sink_writes_total</c>,
/// <c>citystream_sink_errors_total</c> and <c>citystream_sink_retries_total</c> with <c>sink="redis"</c>.
/// </para>
/// </remarks>
public sealed class RedisAlertSink : IAlertSink
{
    private const string SinkLabel = "redis";

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly RedisKeyLayout _layout;
    private readonly RetryLoop _retry;
    private readonly long _ttlMilliseconds;
    private readonly int _streamMaxLength;

    private RedisAlertSink(ConnectionMultiplexer connection, RedisSinkOptions options)
    {
        _connection = connection;
        _database = connection.GetDatabase();
        _layout = new RedisKeyLayout(options.KeyPrefix);
        _retry = new RetryLoop(options.MaxRetries, options.InitialBackoff, SinkLabel);
        _ttlMilliseconds = (long)Math.Ceiling(options.AlertTtl.TotalMilliseconds);
        _streamMaxLength = options.StreamMaxLength;
    }

    /// <inheritdoc />
    public string Name => SinkLabel;

    /// <summary>Connects to Redis and loads the sink's scripts.</summary>
    /// <param name="options">Where Redis is and how to write.</param>
    /// <param name="ct">Cancels the connect.</param>
    /// <returns>A sink ready to write; dispose it to close the connection.</returns>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    /// <exception cref="RedisConnectionException">Redis could not be reached.</exception>
    public static async Task<RedisAlertSink> ConnectAsync(RedisSinkOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var connection = await ConnectionMultiplexer.ConnectAsync(options.Configuration).WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await LoadScriptsAsync(connection).WaitAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new RedisAlertSink(connection, options);
    }

    /// <summary>Writes a batch of alerts in one pipeline, one atomic and idempotent script per alert.</summary>
    /// <param name="alerts">The alerts; an alert already written is left as it is.</param>
    /// <param name="cancellationToken">Stops waiting and retrying.</param>
    /// <exception cref="RedisSinkException">Some alerts were still not written after the last retry.</exception>
    public async ValueTask WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken) =>
        await WriteBatchAsync(alerts, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Closes an alert: sets the <c>status</c> field of its hash and removes it from the pack's open set, atomically.
    /// </summary>
    /// <param name="pack">The alert's pack.</param>
    /// <param name="alertId">The alert's id.</param>
    /// <param name="status">The new status, e.g. <c>acknowledged</c>, <c>resolved</c> or <c>false_positive</c>.</param>
    /// <returns><see langword="true"/> if the alert was found; <see langword="false"/> if it does not exist or has expired (it is removed from the open set either way).</returns>
    /// <exception cref="RedisSinkException">The update still failed after the last retry.</exception>
    public async Task<bool> CloseAsync(string pack, string alertId, string status)
    {
        ArgumentException.ThrowIfNullOrEmpty(pack);
        ArgumentException.ThrowIfNullOrEmpty(alertId);
        ArgumentException.ThrowIfNullOrEmpty(status);
        RedisKey[] keys = [_layout.AlertHash(alertId), _layout.OpenSet(pack)];
        RedisValue[] values = [alertId, status];
        var result = await _retry.RunAsync(
            () => _database.ScriptEvaluateAsync(AlertScripts.CloseAlert, keys, values),
            "close alert " + alertId,
            CancellationToken.None).ConfigureAwait(false);
        return (long)result == 1;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>Writes the alerts and returns how many were new (not already in Redis).</summary>
    internal async Task<int> WriteBatchAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (alerts.Count == 0)
        {
            return 0;
        }

        var pending = new List<ScriptCall>(alerts.Count);
        for (var i = 0; i < alerts.Count; i++)
        {
            var alert = alerts[i];
            pending.Add(new ScriptCall(
                WriteAlertArguments.Keys(_layout, alert),
                WriteAlertArguments.Values(_layout, alert, _ttlMilliseconds, _streamMaxLength)));
        }

        var newlyWritten = 0;
        await _retry.RunAsync(
            async () => newlyWritten += await WritePendingAsync(pending).ConfigureAwait(false),
            $"write {alerts.Count} alerts",
            cancellationToken).ConfigureAwait(false);
        return newlyWritten;
    }

    private static async Task LoadScriptsAsync(ConnectionMultiplexer connection)
    {
        // Loading up front fails fast when scripting is disabled, and lets StackExchange.Redis send EVALSHA from the first write.
        foreach (var endpoint in connection.GetEndPoints())
        {
            var server = connection.GetServer(endpoint);
            if (server.IsConnected && !server.IsReplica)
            {
                await server.ScriptLoadAsync(AlertScripts.WriteAlert).ConfigureAwait(false);
                await server.ScriptLoadAsync(AlertScripts.CloseAlert).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends the pending calls in one pipeline; keeps in <paramref name="pending"/> only those that failed.</summary>
    private async Task<int> WritePendingAsync(List<ScriptCall> pending)
    {
        var batch = _database.CreateBatch();
        var results = new Task<RedisResult>[pending.Count];
        for (var i = 0; i < pending.Count; i++)
        {
            results[i] = batch.ScriptEvaluateAsync(AlertScripts.WriteAlert, pending[i].Keys, pending[i].Values);
        }

        batch.Execute();

        var failed = new List<ScriptCall>();
        Exception? firstError = null;
        var written = 0;
        var newlyWritten = 0;
        for (var i = 0; i < results.Length; i++)
        {
            try
            {
                var result = await results[i].ConfigureAwait(false);
                written++;
                if ((long)result == 1)
                {
                    newlyWritten++;
                }
            }
            catch (RedisException error)
            {
                firstError ??= error;
                failed.Add(pending[i]);
            }
            catch (TimeoutException error)
            {
                firstError ??= error;
                failed.Add(pending[i]);
            }
        }

        EngineMetrics.SinkWrites.WithLabels(SinkLabel).Inc(written);
        pending.Clear();
        pending.AddRange(failed);
        if (firstError is not null)
        {
            ExceptionDispatchInfo.Throw(firstError);
        }

        return newlyWritten;
    }

    private readonly record struct ScriptCall(RedisKey[] Keys, RedisValue[] Values);
}
