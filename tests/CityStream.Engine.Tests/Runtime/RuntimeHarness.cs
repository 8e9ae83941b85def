using CityStream.Engine;

namespace CityStream.Engine.Tests.Runtime;

/// <summary>Runs events through a runtime compiled from a pack, collecting alerts and dead letters.</summary>
internal sealed class RuntimeHarness
{
    public RuntimeHarness(string yaml)
    {
        var result = RuleSet.FromYaml([("pack.yaml", yaml)]);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Rules = result.RuleSet!;
        Runtime = new RuleRuntime(Rules, new FixedClock(TestEvents.T0));
    }

    public RuleSet Rules { get; }

    public RuleRuntime Runtime { get; private set; }

    public RuntimeOutput Output { get; } = new();

    public static long Min(double minutes) => (long)(minutes * 60_000);

    public RuntimeHarness Feed(params CityEvent[] events)
    {
        foreach (var evt in events)
        {
            evt.Origin = new EventOrigin(evt.Schema.Topic, 0, evt.Timestamp);
            Runtime.Process(evt, Output);
        }

        return this;
    }

    public RuntimeHarness AdvanceTo(long time)
    {
        Runtime.AdvanceTime(time, Output);
        return this;
    }

    /// <summary>Checkpoints, throws the runtime away and restores a new one from the checkpoint, as a host restart does.</summary>
    public RuntimeHarness Restart(MemoryStateStore store)
    {
        Runtime.Checkpoint(store);
        return RestoreFrom(store);
    }

    /// <summary>Throws the runtime away and restores a new one from <paramref name="store"/> as it is.</summary>
    public RuntimeHarness RestoreFrom(MemoryStateStore store)
    {
        Runtime = new RuleRuntime(Rules, new FixedClock(TestEvents.T0));
        Runtime.Restore(store);
        return this;
    }

    public static CityEvent Ticket(string id, double minutes, string grid = "G0101", string caller = "c1", string category = "gas_smell", string district = "崇川区") =>
        TestEvents.Make("hotline", ("id", id), ("ts", TestEvents.T0 + Min(minutes)), ("caller_id", caller), ("category", category), ("grid", grid), ("district", district), ("subject", "煤气味"));

    public static CityEvent Police(string id, double minutes, string grid = "G0101", bool major = true) =>
        TestEvents.Make("police_event", ("id", id), ("ts", TestEvents.T0 + Min(minutes)), ("event_class", major ? "mass_incident" : "theft"), ("major", major), ("grid", grid));

    public static CityEvent Report(string id, double minutes, string grid = "G0101", string category = "mass_incident") =>
        TestEvents.Make("grid_report", ("id", id), ("ts", TestEvents.T0 + Min(minutes)), ("category", category), ("grid", grid));

    public static CityEvent Gps(string id, double minutes, string plate, double speed) =>
        TestEvents.Make("vehicle_gps", ("id", id), ("ts", TestEvents.T0 + Min(minutes)), ("plate", plate), ("vehicle_class", "hazmat_tanker"), ("lat", 32.0), ("lon", 120.9), ("speed_kmh", speed));

    public static CityEvent Video(string id, double minutes, string grid = "G0101", string type = "smoke") =>
        TestEvents.Make("video_alert", ("id", id), ("ts", TestEvents.T0 + Min(minutes)), ("camera_id", "cam-" + grid), ("alert_type", type), ("confidence", 0.9), ("grid", grid));

    private sealed class FixedClock(long ms) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }
}
