namespace CityStream.Benchmarks.E2e;

/// <summary>
/// The .NET runtime settings CityStream ships with (<c>deploy/Dockerfile</c> sets the same), given to every CityStream measurement's
/// process so the figures are those of the engine as deployed. <c>kafka.citystream-host.peer-rule.json.default-jit</c> runs without
/// them, to show what they are worth.
/// </summary>
internal static class ShippedRuntime
{
    /// <summary>
    /// <c>DOTNET_TC_CallCountingDelayMs=0</c>: the runtime counts calls towards tier-1 only after 100 ms without new tier-0 code, and a
    /// host that has just started keeps meeting new code (sinks, delivery callbacks, alert paths) for seconds, so its hot loop ran
    /// unoptimised through most of a million-record catch-up (0.34 against 0.57 M records/s, benchmarks/RESULTS.md round 7).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["DOTNET_TC_CallCountingDelayMs"] = "0",
    };

    /// <summary>Whether this process runs with them.</summary>
    public static bool IsSet => System.Environment.GetEnvironmentVariable("DOTNET_TC_CallCountingDelayMs") == "0";
}
