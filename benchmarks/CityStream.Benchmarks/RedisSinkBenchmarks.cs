using BenchmarkDotNet.Attributes;
using CityStream.Connectors.Redis;
using CityStream.Engine;

namespace CityStream.Benchmarks;

/// <summary>
/// The Redis sink's write path (one Lua call per alert: stream, hash, channel, open set, geo) against the Redis of
/// <c>CITYSTREAM_REDIS</c> (e.g. <c>127.0.0.1:6379</c>); <see cref="Program"/> leaves this class out when it is not set.
/// Every write carries a fresh alert id, so none is skipped as a duplicate.
/// </summary>
[MemoryDiagnoser]
public class RedisSinkBenchmarks
{
    public const string EnvironmentVariable = "CITYSTREAM_REDIS";

    private RedisAlertSink _sink = null!;
    private Alert _template = null!;
    private Alert[] _batch = [];
    private long _next;

    [Params(1, 100)]
    public int AlertsPerWrite { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        var configuration = Environment.GetEnvironmentVariable(EnvironmentVariable)
            ?? throw new InvalidOperationException(EnvironmentVariable + " is not set");
        _sink = RedisAlertSink.ConnectAsync(
            new RedisSinkOptions { Configuration = configuration, KeyPrefix = "bench-" + Guid.NewGuid().ToString("N")[..8] + ":" },
            CancellationToken.None).GetAwaiter().GetResult();
        _template = SampleAlerts.One();
        _batch = new Alert[AlertsPerWrite];
    }

    [GlobalCleanup]
    public void Cleanup() => _sink.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public async Task WriteAlerts()
    {
        for (var i = 0; i < _batch.Length; i++)
        {
            _batch[i] = _template with { Id = (++_next).ToString("x32", System.Globalization.CultureInfo.InvariantCulture) };
        }

        await _sink.WriteAsync(_batch, CancellationToken.None).ConfigureAwait(false);
    }
}

/// <summary>A real alert, built by the runtime from a matching GPS event.</summary>
internal static class SampleAlerts
{
    public static Alert One()
    {
        var pack = File.ReadAllText(Path.Combine(RepoPaths.Rules, "hazmat.yaml"));
        var runtime = new RuleRuntime(RulePacks.Compile(("hazmat.yaml", pack)));
        var gps = SchemaRegistry.Default.BySource("vehicle_gps")!;
        var stopped = SampleEvents.Make(gps, 4);
        stopped.SetString(gps.Field("vehicle_class")!.Index, "hazmat_tanker");
        stopped.SetNumber(gps.Field("speed_kmh")!.Index, 0);
        var output = new RuntimeOutput();
        runtime.Process(stopped, output);
        return output.Alerts.Count == 1 ? output.Alerts[0] : throw new InvalidOperationException("the hazmat rule did not fire");
    }
}
