using System.Globalization;
using System.Text;
using CityStream.Connectors.Kafka;

namespace CityStream.Benchmarks.E2e;

/// <summary>
/// <c>e2e</c>: runs every measurement of issue 6 in one run, each in its own process (so each peak RSS is its own, and one JIT or
/// GC state does not leak into the next), then prints one table with every figure and every ratio.
/// </summary>
internal static class E2eHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        E2eOptions o;
        try
        {
            o = E2eOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        if (o.Child is { } child)
        {
            using var allocations = AllocationSampler.StartIfAsked();
            var result = await RunChildAsync(child, o).ConfigureAwait(false);
            allocations?.Print(Console.Error);
            Console.WriteLine("RESULT " + result.ToJson());
            Console.Out.Flush();
            Environment.Exit(0); // a client thread left behind (Streamiz, librdkafka) must not hold the child open
            return 0;
        }

        var results = new List<Measurement>();
        foreach (var step in Steps(o))
        {
            if (o.Only is { } only && !only.Contains(step.Name))
            {
                continue;
            }

            var (waited, busy) = await QuietBox.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"[{DateTime.Now:HH:mm:ss}] {step.Name} ... (waited {waited.TotalSeconds:0.0} s for a quiet box: {busy:P0} busy)").ConfigureAwait(false);
            var m = await step.Run().ConfigureAwait(false);
            results.Add(m);
            await Console.Error.WriteLineAsync($"[{DateTime.Now:HH:mm:ss}] {step.Name}: {(m.Missing ?? m.Rate)} {m.Note}").ConfigureAwait(false);
        }

        Console.WriteLine(ResultTable.Render(o, results));
        return 0;
    }

    private sealed record Step(string Name, Func<Task<Measurement>> Run);

    private static IEnumerable<Step> Steps(E2eOptions o)
    {
        var peers = Path.Combine(o.Shared, "peers");
        var n = o.N.ToString(CultureInfo.InvariantCulture);
        var keys = o.Keys.ToString(CultureInfo.InvariantCulture);
        var window = (PeerRule.WindowMs / 1000).ToString(CultureInfo.InvariantCulture);
        var threshold = PeerRule.Threshold.ToString(CultureInfo.InvariantCulture);

        yield return Peer(o, "inproc.esper", Path.Combine(peers, "esper", "run.sh"), [n, keys, window, threshold], "events", "Esper 9 #ext_timed_batch EPL, beans in memory, one thread", runs: o.Passes);
        foreach (var name in new[] { "state.peer-rule", "inproc.peer-rule.decoded", "inproc.peer-rule.decoded.hand-written", "inproc.peer-rule.arrow", "inproc.peer-rule.json", "inproc.plain-limit.json", "inproc.runtime-dispatch.decoded", "inproc.all-packs.json", "inproc.all-packs.arrow" })
        {
            yield return Child(o, name);
        }

        if (o.Bootstrap is null)
        {
            yield return new Step("kafka.*", () => Task.FromResult(Measurement.Skipped("kafka.*", "no --bootstrap")));
            yield break;
        }

        var kn = o.KafkaN.ToString(CultureInfo.InvariantCulture);
        var topic = KafkaTopics.PeerJson(o);
        yield return Peer(o, "kafka.load.java-json", Path.Combine(peers, "kstreams", "run.sh"), ["load", o.Bootstrap, topic, kn, keys], "produced", "the peers' KeyedLoad (Java producer) writing the peers' JSON topic", rateField: "records_per_second");
        yield return Child(o, "kafka.load.dotnet-json");
        yield return Child(o, "kafka.raw-consumer.json");
        yield return Child(o, "kafka.citystream-consumer.json");
        yield return Child(o, "kafka.citystream-consumer.arrow");
        yield return Peer(o, "kafka.kstreams.json", Path.Combine(peers, "kstreams", "run.sh"), ["count", o.Bootstrap, topic, o.RunId + ".kstreams-out", kn, window, threshold], "records", "Kafka Streams 4.4, 2 threads, in-memory stores, record cache 10 MiB", rateField: "records_per_second");
        yield return Peer(o, "kafka.flink.json", Path.Combine(peers, "flink", "run.sh"), [o.Bootstrap, topic, o.RunId + ".flink-out", window, threshold, "2"], "records", "Flink 2.2 mini-cluster, parallelism 2, net job time", rateField: "records_per_second");
        // Right after the peers, on the topic they read and the broker much as they found it, rather than after the Streamiz DSL's two
        // minutes and the other hosts' topics and changelogs.
        yield return Child(o, "kafka.citystream-host.peer-rule.json");
        yield return Child(o, "kafka.citystream-host.peer-rule.json.no-evidence");
        yield return Child(o, "kafka.citystream-host.peer-rule.json.default-jit", shippedRuntime: false);
        yield return Child(o, "kafka.streamiz-dsl.json");
        yield return Child(o, "kafka.citystream-host.json");
        yield return Child(o, "kafka.citystream-host.json.1-thread");
        yield return Child(o, "kafka.citystream-host.arrow");
        yield return Child(o, "kafka.citystream-host.peer-rule.arrow");
        yield return Child(o, "kafka.citystream-host.peer-rule.arrow.no-evidence");
        yield return Child(o, "kafka.citystream-host.peer-rule.json.streamiz");
        yield return Child(o, "kafka.citystream-host.json.streamiz");
        yield return Child(o, "kafka.latency.citystream-consumer");
        yield return Child(o, "kafka.latency.citystream-host");
    }

    /// <summary>A measurement in a process of its own, with the runtime settings CityStream ships with unless told otherwise.</summary>
    private static Step Child(E2eOptions o, string name, bool shippedRuntime = true) => new(name, async () =>
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var args = new List<string>();
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            args.Add(typeof(E2eHarness).Assembly.Location);
        }

        args.AddRange(o.ChildArgs(name));
        var outcome = await ChildProcess.RunAsync(self, args, TimeSpan.FromSeconds(o.TimeoutSeconds), shippedRuntime ? ShippedRuntime.Environment : null).ConfigureAwait(false);
        var line = outcome.Stdout.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (line is null)
        {
            return Measurement.Skipped(name, outcome.TimedOut ? $"timed out after {o.TimeoutSeconds} s" : "failed: " + Tail(outcome.Stderr + outcome.Stdout));
        }

        return Measurement.FromJson(line["RESULT ".Length..])! with { PeakRssMb = outcome.PeakRssMb };
    });

    /// <summary>A peer's script, run once, or <paramref name="runs"/> times reporting the median (the in-process peer, as CityStream's passes).</summary>
    private static Step Peer(E2eOptions o, string name, string script, string[] args, string countField, string note, string rateField = "events_per_second", int runs = 1) => new(name, async () =>
    {
        if (!File.Exists(script))
        {
            return Measurement.Skipped(name, "no " + script);
        }

        var measured = new List<Measurement>(runs);
        for (var run = 0; run < runs; run++)
        {
            var outcome = await ChildProcess.RunAsync(script, args, TimeSpan.FromSeconds(o.TimeoutSeconds)).ConfigureAwait(false);
            var count = ChildProcess.Field(outcome.Stdout, countField);
            var seconds = ChildProcess.Field(outcome.Stdout, "seconds");
            if (count is null || seconds is null || ChildProcess.Field(outcome.Stdout, rateField) is null)
            {
                return Measurement.Skipped(name, outcome.TimedOut ? $"timed out after {o.TimeoutSeconds} s" : "failed: " + Tail(outcome.Stderr + outcome.Stdout));
            }

            measured.Add(new Measurement { Name = name, Events = (long)count.Value, Seconds = seconds.Value, PeakRssMb = outcome.PeakRssMb, Note = note + $"; process wall {outcome.Seconds:0.0} s" });
        }

        return Measurement.Median(measured, "runs");
    });

    /// <summary>
    /// Runs a measurement in this (child) process. In-process ones run a warm-up pass, then <see cref="E2eOptions.Passes"/> timed
    /// ones, and report the median: .NET's tiered JIT (and its profile-guided tier) needs longer than the 200,000 warm-up events
    /// of the Esper peer to reach the code a long-running engine runs, a stream engine is judged at steady state, and one pass
    /// on this shared box moved by ±20 % from the next.
    /// </summary>
    private static async Task<Measurement> RunChildAsync(string name, E2eOptions o)
    {
        if (name.StartsWith("inproc.", StringComparison.Ordinal))
        {
            await MeasureAsync(name, o).ConfigureAwait(false);
            var passes = new List<Measurement>(o.Passes);
            for (var pass = 0; pass < o.Passes; pass++)
            {
                passes.Add(await MeasureAsync(name, o).ConfigureAwait(false));
            }

            var median = Measurement.Median(passes, "timed passes after a warm-up pass");
            return passes.Count == 1 ? median with { Note = median.Note + "; one timed pass after a warm-up pass" } : median;
        }

        return await MeasureAsync(name, o).ConfigureAwait(false);
    }

    private static async Task<Measurement> MeasureAsync(string name, E2eOptions o) => name switch
    {
        "inproc.peer-rule.decoded" => InProcessMeasurements.Decoded(o),
        "inproc.peer-rule.decoded.hand-written" => InProcessMeasurements.Decoded(o, handWritten: true),
        "inproc.peer-rule.arrow" => InProcessMeasurements.Arrow(o),
        "inproc.peer-rule.json" => InProcessMeasurements.Json(o),
        "inproc.plain-limit.json" => InProcessMeasurements.Plain(o),
        "inproc.runtime-dispatch.decoded" => InProcessMeasurements.RuntimeDispatch(o),
        "inproc.all-packs.json" => await InProcessMeasurements.PacksAsync(o, arrow: false).ConfigureAwait(false),
        "inproc.all-packs.arrow" => await InProcessMeasurements.PacksAsync(o, arrow: true).ConfigureAwait(false),
        "kafka.load.dotnet-json" => await KafkaMeasurements.LoadAsync(o).ConfigureAwait(false),
        "kafka.raw-consumer.json" => KafkaMeasurements.Raw(o),
        "kafka.citystream-consumer.json" => KafkaMeasurements.CityStreamConsumer(o, arrow: false),
        "kafka.citystream-consumer.arrow" => KafkaMeasurements.CityStreamConsumer(o, arrow: true),
        "kafka.streamiz-dsl.json" => await StreamizPeer.RunAsync(o).ConfigureAwait(false),
        "state.peer-rule" => StateMeasurement.Run(o),
        "kafka.citystream-host.json" => await KafkaMeasurements.HostAsync(o, arrow: false).ConfigureAwait(false),
        "kafka.citystream-host.json.1-thread" => await KafkaMeasurements.HostAsync(o, arrow: false, threads: 1).ConfigureAwait(false),
        "kafka.citystream-host.arrow" => await KafkaMeasurements.HostAsync(o, arrow: true).ConfigureAwait(false),
        "kafka.citystream-host.peer-rule.json" => await KafkaMeasurements.PeerRuleHostAsync(o, arrow: false).ConfigureAwait(false),
        "kafka.citystream-host.peer-rule.json.default-jit" => await KafkaMeasurements.PeerRuleHostAsync(o, arrow: false, variant: ".default-jit").ConfigureAwait(false),
        "kafka.citystream-host.peer-rule.arrow" => await KafkaMeasurements.PeerRuleHostAsync(o, arrow: true).ConfigureAwait(false),
        "kafka.citystream-host.peer-rule.json.no-evidence" => await KafkaMeasurements.PeerRuleHostAsync(o, arrow: false, variant: ".no-evidence", evidence: false).ConfigureAwait(false),
        "kafka.citystream-host.peer-rule.arrow.no-evidence" => await KafkaMeasurements.PeerRuleHostAsync(o, arrow: true, variant: ".no-evidence", evidence: false).ConfigureAwait(false),
        "kafka.citystream-host.peer-rule.json.streamiz" => await KafkaMeasurements.PeerRuleHostAsync(o, arrow: false, KafkaConsumption.Streamiz).ConfigureAwait(false),
        "kafka.citystream-host.json.streamiz" => await KafkaMeasurements.HostAsync(o, arrow: false, mode: KafkaConsumption.Streamiz).ConfigureAwait(false),
        "kafka.latency.citystream-consumer" => await LatencyRun.RunAsync(o).ConfigureAwait(false),
        "kafka.latency.citystream-host" => await HostLatencyRun.RunAsync(o).ConfigureAwait(false),
        _ => throw new ArgumentException("unknown measurement " + name),
    };

    private static string Tail(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var tail = new StringBuilder();
        var exception = lines.Where(l => l.Contains("Exception", StringComparison.Ordinal) && !l.StartsWith("at ", StringComparison.Ordinal)).Take(2).ToList();
        foreach (var line in exception.Count > 0 ? exception : lines.TakeLast(3))
        {
            tail.Append(line.Length > 200 ? line[..200] : line).Append(" | ");
        }

        return tail.ToString();
    }
}
