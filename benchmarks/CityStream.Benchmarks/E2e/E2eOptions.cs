using System.Globalization;

namespace CityStream.Benchmarks.E2e;

/// <summary>Options of <c>e2e</c>; every run is bounded in count and in time.</summary>
internal sealed class E2eOptions
{
    public const string Usage = """
        usage: CityStream.Benchmarks e2e [options]
          --n N                events of each in-process run of the peers' rule (default 2000000)
          --keys K             distinct keys (default 10000)
          --kafka-n N          records of the peers' topic through Kafka (default 1000000)
          --arrow-n N          events on the Arrow topics (default 3 x --kafka-n: an Arrow run of 1 M events is ~1 s, too
                               short to be more than start-up - rebalance, tiered JIT)
          --bootstrap HOST:P   Kafka broker; without it the Kafka measurements are skipped
          --redis HOST:P       Redis for the KafkaHost's alert sink (optional)
          --sim-events N       simulated city events per day for the all-packs runs (default 1000000)
          --batch N            events per Arrow batch (default 1000)
          --rate R             events/s of the latency run through Kafka (default 50000)
          --latency-s S        seconds of the latency run (default 10)
          --state-keys K       distinct keys of the state-per-key run (default 1000000)
          --commit-ms MS       KafkaHost commit interval of the latency run (default 1000, the host's own default)
          --timeout-s S        limit of each measurement (default 120): of a child with all its passes, of each Esper run
          --passes P           timed passes of each in-process measurement, after a warm-up pass, and runs of the
                               Esper peer; each reports the median (default 3)
          --only a,b           run only these measurements (names as in the table)
          --shared DIR         the ../shared directory (default: next to the repository)
        """;

    public int N { get; set; } = 2_000_000;

    public int Keys { get; set; } = 10_000;

    public int KafkaN { get; set; } = 1_000_000;

    /// <summary>Events on the Arrow topics; 0: 3 × <see cref="KafkaN"/>.</summary>
    public int ArrowNOption { get; set; }

    public int ArrowN => ArrowNOption > 0 ? ArrowNOption : 3 * KafkaN;

    public string? Bootstrap { get; set; }

    public string? Redis { get; set; }

    public long SimEvents { get; set; } = 1_000_000;

    public int Batch { get; set; } = 1000;

    public int Rate { get; set; } = 50_000;

    public int LatencySeconds { get; set; } = 10;

    public int TimeoutSeconds { get; set; } = 120;

    public int StateKeys { get; set; } = 1_000_000;

    public int CommitMs { get; set; } = 1000;

    /// <summary>Timed passes of each in-process measurement (after a warm-up pass) and runs of the Esper peer; the median is reported.</summary>
    public int Passes { get; set; } = 3;

    public HashSet<string>? Only { get; set; }

    public string Shared { get; set; } = RepoPaths.Shared;

    /// <summary>Set in a child process: the one measurement it runs.</summary>
    public string? Child { get; set; }

    /// <summary>Topic names of this run (unique, so runs on one broker do not mix).</summary>
    public string RunId { get; set; } = "b" + DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public static E2eOptions Parse(IReadOnlyList<string> args)
    {
        var o = new E2eOptions();
        if (args.Contains("--help") || args.Contains("-h"))
        {
            throw new ArgumentException(Usage);
        }

        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value\n{Usage}");
            i++;
            switch (args[i - 1])
            {
                case "--n": o.N = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--keys": o.Keys = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--kafka-n": o.KafkaN = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--arrow-n": o.ArrowNOption = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--bootstrap": o.Bootstrap = value; break;
                case "--redis": o.Redis = value; break;
                case "--sim-events": o.SimEvents = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "--batch": o.Batch = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--rate": o.Rate = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--latency-s": o.LatencySeconds = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--state-keys": o.StateKeys = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--commit-ms": o.CommitMs = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--passes": o.Passes = Math.Max(1, int.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--timeout-s": o.TimeoutSeconds = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--only": o.Only = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                case "--shared": o.Shared = value; break;
                case "--child": o.Child = value; break;
                case "--run-id": o.RunId = value; break;
                default: throw new ArgumentException($"unknown option {args[i - 1]}\n{Usage}");
            }
        }

        return o;
    }

    /// <summary>The options again as arguments, for a child process running <paramref name="child"/>.</summary>
    public List<string> ChildArgs(string child)
    {
        var args = new List<string>
        {
            "e2e", "--child", child, "--run-id", RunId,
            "--n", N.ToString(CultureInfo.InvariantCulture), "--keys", Keys.ToString(CultureInfo.InvariantCulture),
            "--kafka-n", KafkaN.ToString(CultureInfo.InvariantCulture), "--arrow-n", ArrowN.ToString(CultureInfo.InvariantCulture), "--sim-events", SimEvents.ToString(CultureInfo.InvariantCulture),
            "--batch", Batch.ToString(CultureInfo.InvariantCulture), "--rate", Rate.ToString(CultureInfo.InvariantCulture),
            "--latency-s", LatencySeconds.ToString(CultureInfo.InvariantCulture), "--timeout-s", TimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            "--state-keys", StateKeys.ToString(CultureInfo.InvariantCulture), "--commit-ms", CommitMs.ToString(CultureInfo.InvariantCulture),
            "--passes", Passes.ToString(CultureInfo.InvariantCulture),
            "--shared", Shared,
        };
        if (Bootstrap is not null)
        {
            args.AddRange(["--bootstrap", Bootstrap]);
        }

        if (Redis is not null)
        {
            args.AddRange(["--redis", Redis]);
        }

        return args;
    }
}
