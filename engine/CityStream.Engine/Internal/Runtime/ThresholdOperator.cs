using System.Globalization;
using System.Text.Json;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The <c>threshold</c> kind over tumbling or hopping windows: per key and window, running aggregates; the
/// alert fires as soon as <c>having</c> holds (not at window close, so latency is one event), once per
/// window. A window is dropped once stream time passes its end plus the source's lateness.
/// </summary>
internal sealed class ThresholdOperator : StatefulOperator<WindowSet>
{
    // Enough to reuse every window of a minute's worth of keys when the next windows open; a pooled window is ~200 B.
    private const int MaxPooledWindows = 65_536;

    private readonly ThresholdSpec _spec;
    private readonly long _sizeMs;
    private readonly long _hopMs;
    private readonly CityEvent _aggregateEvent;
    private readonly bool _dedupIsKey;
    private readonly PriorityQueue<(string Key, long Start), long> _closing = new();
    private readonly Stack<WindowAggregates> _pool = new();
    private readonly bool _windowIsEpisode;
    private readonly EvidenceEncoding _evidence;

    public ThresholdOperator(CompiledRule rule, EmittedAlerts emitted)
        : base(rule, emitted, (long)rule.Threshold!.Size.TotalMilliseconds * 2)
    {
        _spec = rule.Threshold!;
        _sizeMs = (long)_spec.Size.TotalMilliseconds;
        _hopMs = (long)_spec.Hop.TotalMilliseconds;
        _aggregateEvent = new CityEvent(_spec.AggregateSchema);
        _dedupIsKey = ReferenceEquals(rule.Dedup, rule.Key);
        _windowIsEpisode = _dedupIsKey && rule.Suppress == TimeSpan.Zero;
        _evidence = new EvidenceEncoding(rule);
    }

    public override void OnEvent(CityEvent evt, RuntimeContext context)
    {
        if (Rule.Where is { } where && !where.Evaluate(evt))
        {
            return;
        }

        var key = Rule.Key.Select(evt);
        var ts = evt.Timestamp;
        var windows = State.GetOrAdd(key, ts, static () => new WindowSet());
        if (windows.Key is null)
        {
            windows.Key = key;
        }
        else
        {
            // The closing queue holds the key's own string, not each event's copy.
            key = windows.Key;
        }

        var lastStart = ts - Mod(ts, _hopMs);
        for (var start = lastStart; start > ts - _sizeMs; start -= _hopMs)
        {
            if (!windows.TryGetValue(start, out var window))
            {
                window = _pool.TryPop(out var reused) ? reused : new WindowAggregates(_spec.Aggregates);
                windows.Add(start, window);
                _closing.Enqueue((key, start), start + _sizeMs);
            }

            window.Add(evt, key, _evidence);
            if (window.Fired)
            {
                continue;
            }

            window.Fill(_aggregateEvent, key, start, start + _sizeMs, ts);
            if (!_spec.Having.Evaluate(_aggregateEvent))
            {
                continue;
            }

            window.Fired = true;
            if (_windowIsEpisode)
            {
                // The window's own Fired flag (checkpointed with it) is the dedup: no emitted-id set to keep.
                Emit(context, AlertIds.ForWindow(Rule.Id, key, start), key, evt, window, _evidence, window.Extras(Rule, start, start + _sizeMs));
                continue;
            }

            var naturalEpisode = AlertIds.WindowEpisode(start);
            var dedup = _dedupIsKey ? key : Rule.Dedup.Select(evt);
            var (episode, expiry) = EpisodeOf(start, naturalEpisode, start + _sizeMs);
            if (TryClaim(dedup, episode, expiry, out var alertId))
            {
                Emit(context, alertId, key, evt, window, _evidence, window.Extras(Rule, start, start + _sizeMs));
            }
        }
    }

    public override void OnTime(long streamTime, RuntimeContext context)
    {
        base.OnTime(streamTime, context);
        var closed = streamTime - LatenessMs;
        while (_closing.TryPeek(out var window, out var end) && end <= closed)
        {
            _closing.Dequeue();
            if (State.Get(window.Key) is { } windows && windows.Remove(window.Start, out var closedWindow))
            {
                if (_pool.Count < MaxPooledWindows)
                {
                    _pool.Push(closedWindow.Reset());
                }

                State.MarkDirty(window.Key);
                if (windows.Count == 0)
                {
                    State.Remove(window.Key);
                }
            }
        }
    }

    protected override void WriteState(Utf8JsonWriter writer, WindowSet state)
    {
        writer.WriteStartObject();
        foreach (var (start, window) in state.Items)
        {
            writer.WritePropertyName(start.ToString(CultureInfo.InvariantCulture));
            window.Write(writer, SingleSource, _evidence, state.Key);
        }

        writer.WriteEndObject();
    }

    protected override WindowSet ReadState(JsonElement element)
    {
        var windows = new WindowSet();
        foreach (var property in element.EnumerateObject())
        {
            windows.Add(long.Parse(property.Name, CultureInfo.InvariantCulture), WindowAggregates.Read(property.Value, _spec.Aggregates, SourceNamed, _evidence));
        }

        return windows;
    }

    protected override void OnRestored(string key, WindowSet state)
    {
        state.Key = key;
        foreach (var (start, _) in state.Items)
        {
            _closing.Enqueue((key, start), start + _sizeMs);
        }
    }

    private static long Mod(long value, long modulus) => ((value % modulus) + modulus) % modulus;
}
