using CityStream.Engine;

namespace CityStream.Benchmarks.E2e;

/// <summary>The peers' rule as a CityStream pack (one <c>threshold</c> rule on the bench source), and a way to tell whether the engine runs it yet.</summary>
internal static class PeerRule
{
    public const long WindowMs = 60_000;
    public const int Threshold = 5;

    public const string Pack = """
        pack: peers
        description: The rule every peer runs - per key, a tumbling 60 s event-time window count, alert at 5 or more.
        rules:
          - id: peers.window-count
            kind: threshold
            source: peer_event
            key: key
            window: { type: tumbling, size: 60s }
            aggregate: { events: count() }
            having: events >= 5
            severity: low
            alert:
              title: "{key}: {events} events in one minute"
        """;

    /// <summary>
    /// The pack with alerts that carry no evidence (<c>alert.evidence: 0</c>): what the peers write per window — its key, its start
    /// and its count — and CityStream's alert fields besides, without the events.
    /// </summary>
    public static string PackWithoutEvidence => Pack.Replace("    alert:\n", "    alert:\n      evidence: 0\n", StringComparison.Ordinal);

    /// <summary>The pack compiled against the bench registry (the peers' source beside the city's).</summary>
    /// <param name="evidence">Whether alerts carry their evidence (the default) or none (<see cref="PackWithoutEvidence"/>).</param>
    public static RuleSet Compile(bool evidence = true) => Engine.RuleSet.FromYaml([("peers.yaml", evidence ? Pack : PackWithoutEvidence)], PeerWorkload.Registry).RuleSet
        ?? throw new InvalidOperationException("the peers' pack does not compile");

    /// <summary>A runtime running the pack, or null with the reason when the engine cannot run it yet.</summary>
    /// <param name="why">Why not, when null is returned.</param>
    /// <param name="maxKeys">The rule's state bound (<c>max_keys</c>); null: the engine's default.</param>
    public static RuleRuntime? TryRuntime(out string why, int? maxKeys = null)
    {
        var pack = maxKeys is { } max ? Pack.Replace("    severity: low", $"    max_keys: {max}\n    severity: low", StringComparison.Ordinal) : Pack;
        var result = RuleSet.FromYaml([("peers.yaml", pack)], PeerWorkload.Registry);
        if (result.RuleSet is null)
        {
            why = "pack does not compile: " + string.Join("; ", result.Errors);
            return null;
        }

        try
        {
            why = string.Empty;
            return new RuleRuntime(result.RuleSet);
        }
        catch (NotSupportedException ex)
        {
            why = ex.Message;
            return null;
        }
    }
}
