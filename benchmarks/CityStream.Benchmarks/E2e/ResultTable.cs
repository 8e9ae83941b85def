using System.Globalization;
using System.Text;

namespace CityStream.Benchmarks.E2e;

/// <summary>The one table of a run: every figure, then every ratio against its target.</summary>
internal static class ResultTable
{
    public static string Render(E2eOptions o, IReadOnlyList<Measurement> results)
    {
        var byName = results.Where(r => r.Missing is null).ToDictionary(r => r.Name, StringComparer.Ordinal);
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"## Run {o.RunId}: N={o.N:N0} in-process, {o.KafkaN:N0} through Kafka ({o.ArrowN:N0} on the Arrow topics), {o.Keys:N0} keys, Arrow batches of {o.Batch}, simulated city {o.SimEvents:N0} events/day");
        s.AppendLine();
        s.AppendLine("| measurement | events | seconds | events/s | peak RSS MB | p50 ms | p99 ms | what it is |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            if (r.Missing is not null)
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | | | n/a | | | | {r.Missing} |");
                continue;
            }

            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Events:N0} | {r.Seconds:0.000} | {r.EventsPerSecond:N0} | {Num(r.PeakRssMb, "0")} | {Num(r.P50Ms, "0.0")} | {Num(r.P99Ms, "0.0")} | {r.Note} |");
        }

        s.AppendLine();
        s.AppendLine("| ratio | value | target |");
        s.AppendLine("|---|---:|---|");
        var fasterPeer = Max(byName, "kafka.kstreams.json", "kafka.flink.json");
        Ratio(s, byName, "in-process peers' rule, decoded / Esper", "inproc.peer-rule.decoded", "inproc.esper", "≥ 1.5");
        Ratio(s, byName, "in-process, hand-written window count on decoded events / Esper", "inproc.peer-rule.decoded.hand-written", "inproc.esper", "(what the operator could reach)");
        Ratio(s, byName, "in-process peers' rule, Arrow (decode incl.) / Esper", "inproc.peer-rule.arrow", "inproc.esper", "≥ 1");
        Ratio(s, byName, "in-process peers' rule, JSON (decode incl.) / plain limit", "inproc.peer-rule.json", "inproc.plain-limit.json", "—");
        Ratio(s, byName, "in-process all packs, JSON / plain limit", "inproc.all-packs.json", "inproc.plain-limit.json", "≥ 0.5");
        Absolute(s, byName, "in-process all packs, Arrow (M events/s)", "inproc.all-packs.arrow", "≥ 2");
        if (fasterPeer is { } peer)
        {
            Ratio(s, byName, $"Kafka JSON: CityStream consumer path / faster peer ({peer.Name})", "kafka.citystream-consumer.json", peer.Name, "≥ 1");
            Ratio(s, byName, $"Kafka JSON, same topic and rule: CityStream KafkaHost, peers' rule / faster peer ({peer.Name})", "kafka.citystream-host.peer-rule.json", peer.Name, "≥ 1");
            Ratio(s, byName, $"Kafka JSON, same topic and rule, alerts without evidence (alert.evidence: 0, as the peers' output): CityStream KafkaHost, peers' rule / faster peer ({peer.Name})", "kafka.citystream-host.peer-rule.json.no-evidence", peer.Name, "≥ 1");
            Ratio(s, byName, $"Kafka JSON, same topic and rule, the runtime's default settings: CityStream KafkaHost, peers' rule / faster peer ({peer.Name})", "kafka.citystream-host.peer-rule.json.default-jit", peer.Name, "—");
            Ratio(s, byName, $"Kafka Arrow, same events and rule: CityStream KafkaHost, peers' rule / faster peer ({peer.Name})", "kafka.citystream-host.peer-rule.arrow", peer.Name, "≥ 3");
            Ratio(s, byName, $"Kafka Arrow, same events and rule, alerts without evidence (alert.evidence: 0): CityStream KafkaHost, peers' rule / faster peer ({peer.Name})", "kafka.citystream-host.peer-rule.arrow.no-evidence", peer.Name, "≥ 3");
            Ratio(s, byName, $"Kafka JSON: CityStream KafkaHost (2 threads) / faster peer ({peer.Name})", "kafka.citystream-host.json", peer.Name, "≥ 1");
            Ratio(s, byName, $"Kafka JSON: CityStream KafkaHost (1 thread) / faster peer ({peer.Name})", "kafka.citystream-host.json.1-thread", peer.Name, "≥ 1");
            Ratio(s, byName, $"Kafka Arrow: CityStream consumer path / faster peer ({peer.Name})", "kafka.citystream-consumer.arrow", peer.Name, "≥ 3");
            Ratio(s, byName, $"Kafka Arrow: CityStream KafkaHost / faster peer ({peer.Name})", "kafka.citystream-host.arrow", peer.Name, "≥ 3");
            Ratio(s, byName, $"Kafka JSON: plain Streamiz DSL / faster peer ({peer.Name})", "kafka.streamiz-dsl.json", peer.Name, "—");
            Ratio(s, byName, $"Kafka JSON: raw consumer / faster peer ({peer.Name})", "kafka.raw-consumer.json", peer.Name, "—");
        }

        Ratio(s, byName, "Kafka: Kafka Streams / Flink", "kafka.kstreams.json", "kafka.flink.json", "—");
        Ratio(s, byName, "Kafka Arrow: CityStream consumer path / raw consumer (JSON records)", "kafka.citystream-consumer.arrow", "kafka.raw-consumer.json", "≥ 0.5");
        Ratio(s, byName, "Kafka Arrow: CityStream KafkaHost / raw consumer (JSON records)", "kafka.citystream-host.arrow", "kafka.raw-consumer.json", "≥ 0.5");
        Absolute(s, byName, "Kafka Arrow: CityStream KafkaHost, all packs (M events/s)", "kafka.citystream-host.arrow", "≥ 1");
        Ratio(s, byName, "Kafka JSON: CityStream KafkaHost / plain Streamiz DSL", "kafka.citystream-host.json", "kafka.streamiz-dsl.json", "—");
        if (byName.TryGetValue("kafka.latency.citystream-host", out var hostLatency))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| latency p99 at {o.Rate:N0} events/s, KafkaHost, produce → alert at sink (ms) | {Num(hostLatency.P99Ms, "0.0")} | ≤ 100 |");
        }

        if (byName.TryGetValue("kafka.latency.citystream-consumer", out var latency))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| latency p99 at {o.Rate:N0} events/s, bare consumer, send → processed (ms) | {Num(latency.P99Ms, "0.0")} | ≤ 100 |");
        }

        if (byName.TryGetValue("state.peer-rule", out var state))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| state per tracked key, managed heap (bytes) | {Num(state.HeapBytesPerKey, "0")} | ≤ 300 |");
            s.AppendLine(CultureInfo.InvariantCulture, $"| state per tracked key, checkpoint (bytes) | {Num(state.CheckpointBytesPerKey, "0")} | ≤ 300 |");
            s.AppendLine(CultureInfo.InvariantCulture, $"| peak RSS with {o.StateKeys:N0} tracked keys (MB) | {Num(state.PeakRssMb, "0")} | ≤ 1024 (1 GB) for 1 M keys |");
        }

        return s.ToString();
    }

    private static Measurement? Max(Dictionary<string, Measurement> byName, params string[] names) =>
        names.Select(n => byName.GetValueOrDefault(n)).Where(m => m is not null).MaxBy(m => m!.EventsPerSecond);

    private static void Ratio(StringBuilder s, Dictionary<string, Measurement> byName, string label, string top, string bottom, string target)
    {
        if (byName.TryGetValue(top, out var a) && byName.TryGetValue(bottom, out var b) && b.EventsPerSecond > 0)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {a.EventsPerSecond / b.EventsPerSecond:0.00} × | {target} |");
        }
        else
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| {label} | n/a | {target} |");
        }
    }

    private static void Absolute(StringBuilder s, Dictionary<string, Measurement> byName, string label, string name, string target) =>
        s.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {(byName.TryGetValue(name, out var m) ? (m.EventsPerSecond / 1e6).ToString("0.00", CultureInfo.InvariantCulture) : "n/a")} | {target} |");

    private static string Num(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : string.Empty;
}
