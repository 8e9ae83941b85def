using System.Globalization;
using System.Text.Json;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The <c>spike</c> kind: per key, counts per time bucket; a bucket's count is compared with the same bucket
/// of the previous <c>history</c> seasons (e.g. the same hour on the previous 7 days) by a robust z-score
/// (median and MAD) or an EWMA mean and deviation. The alert fires once per bucket when the count is at
/// least <c>min_count</c> and the score reaches the threshold. Written here because
/// Microsoft.ML.TimeSeries is not available and the baseline is a few lines of arithmetic.
/// </summary>
internal sealed class SpikeOperator : StatefulOperator<SpikeOperator.SpikeState>
{
    private readonly SpikeSpec _spec;
    private readonly long _bucketMs;
    private readonly long _bucketsPerSeason;

    public SpikeOperator(CompiledRule rule, EmittedAlerts emitted)
        : base(rule, emitted, (long)(rule.Spike!.Season.TotalMilliseconds * (rule.Spike.History + 1)))
    {
        _spec = rule.Spike!;
        _bucketMs = (long)_spec.Bucket.TotalMilliseconds;
        _bucketsPerSeason = (long)(_spec.Season.TotalMilliseconds / _bucketMs);
    }

    public override void OnEvent(CityEvent evt, RuntimeContext context)
    {
        if (Rule.Where is { } where && !where.Evaluate(evt))
        {
            return;
        }

        var key = Rule.Key.Select(evt);
        var bucket = Math.DivRem(evt.Timestamp, _bucketMs).Quotient;
        var state = State.GetOrAdd(key, evt.Timestamp, static bucket => new SpikeState(bucket), bucket);
        state.FirstBucket = Math.Min(state.FirstBucket, bucket);
        var count = state.Counts[bucket] = state.Counts.GetValueOrDefault(bucket) + 1;
        Prune(state, bucket);
        if (count < _spec.MinCount || state.Fired.Contains(bucket) || bucket - (_spec.History * _bucketsPerSeason) < state.FirstBucket)
        {
            return;
        }

        var history = new double[_spec.History];
        for (var k = 1; k <= _spec.History; k++)
        {
            history[k - 1] = state.Counts.GetValueOrDefault(bucket - (k * _bucketsPerSeason));
        }

        var (baseline, score) = _spec.Method == "ewma" ? Ewma(history, count) : RobustZ(history, count);
        if (score < _spec.Threshold)
        {
            return;
        }

        state.Fired.Add(bucket);
        var dedup = ReferenceEquals(Rule.Dedup, Rule.Key) ? key : Rule.Dedup.Select(evt);
        var start = bucket * _bucketMs;
        var (episode, expiry) = EpisodeOf(start, "bucket:" + start.ToString(CultureInfo.InvariantCulture), start + _bucketMs);
        var extras = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["count"] = count.ToString(CultureInfo.InvariantCulture),
            ["baseline"] = FormatNumber(baseline),
            ["score"] = FormatNumber(score),
        };
        TryEmit(context, key, dedup, episode, expiry, [evt], extras);
    }

    public override void OnTime(long streamTime, RuntimeContext context)
    {
        base.OnTime(streamTime, context);
        State.Expire(streamTime);
    }

    /// <summary>Robust z-score: (x − median) / (1.4826 · MAD), the deviation floored at 1 so a flat history still scores.</summary>
    internal static (double Baseline, double Score) RobustZ(double[] history, double value)
    {
        var median = Median(history);
        var deviations = new double[history.Length];
        for (var i = 0; i < history.Length; i++)
        {
            deviations[i] = Math.Abs(history[i] - median);
        }

        var scale = Math.Max(1.0, 1.4826 * Median(deviations));
        return (median, (value - median) / scale);
    }

    /// <summary>EWMA (α = 0.3) mean and deviation of the history, oldest first; the deviation floored at 1.</summary>
    internal static (double Baseline, double Score) Ewma(double[] history, double value)
    {
        const double alpha = 0.3;
        var mean = history[^1];
        var variance = 0.0;
        for (var i = history.Length - 2; i >= 0; i--)
        {
            var diff = history[i] - mean;
            mean += alpha * diff;
            variance = (1 - alpha) * (variance + (alpha * diff * diff));
        }

        return (mean, (value - mean) / Math.Max(1.0, Math.Sqrt(variance)));
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private void Prune(SpikeState state, long bucket)
    {
        var oldest = bucket - (_spec.History * _bucketsPerSeason) - 1;
        if (state.Counts.Count <= (_spec.History + 1) * _bucketsPerSeason + 2)
        {
            return;
        }

        foreach (var old in state.Counts.Keys.Where(b => b < oldest).ToList())
        {
            state.Counts.Remove(old);
            state.Fired.Remove(old);
        }
    }

    protected override void WriteState(Utf8JsonWriter writer, SpikeState state)
    {
        writer.WriteStartObject();
        writer.WriteNumber("first", state.FirstBucket);
        writer.WriteStartObject("counts");
        foreach (var (bucket, count) in state.Counts)
        {
            writer.WriteNumber(bucket.ToString(CultureInfo.InvariantCulture), count);
        }

        writer.WriteEndObject();
        writer.WriteStartArray("fired");
        foreach (var bucket in state.Fired)
        {
            writer.WriteNumberValue(bucket);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    protected override SpikeState ReadState(JsonElement element)
    {
        var state = new SpikeState(element.GetProperty("first").GetInt64());
        foreach (var count in element.GetProperty("counts").EnumerateObject())
        {
            state.Counts[long.Parse(count.Name, CultureInfo.InvariantCulture)] = count.Value.GetInt32();
        }

        foreach (var bucket in element.GetProperty("fired").EnumerateArray())
        {
            state.Fired.Add(bucket.GetInt64());
        }

        return state;
    }

    internal sealed class SpikeState(long firstBucket)
    {
        public long FirstBucket { get; set; } = firstBucket;

        public Dictionary<long, int> Counts { get; } = [];

        public HashSet<long> Fired { get; } = [];
    }
}
