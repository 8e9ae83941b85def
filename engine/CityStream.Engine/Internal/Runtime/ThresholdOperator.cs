using System.Globalization;
using System.Text.Json;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The <c>threshold</c> kind over tumbling or hopping windows: per key and window, running aggregates; the
/// alert fires as soon as <c>having</c> holds (not at window close, so latency is one event), once per
/// window. A window is dropped once stream time passes its end plus the source's lateness.
/// </summary>
internal sealed class ThresholdOperator : StatefulOperator<WindowAggregates>
{
    // Enough to reuse every window of a minute's worth of keys when the next windows open; a pooled window is ~200 B.
    private const int MaxPooledWindows = 65_536;

    // Longer keys (rare: ids, plates, districts are short) are made strings to be looked up.
    private const int KeyCharsOnHand = 128;

    private static readonly Func<WindowAggregates, string> s_keyOf = static window => window.Key!;

    private readonly ThresholdSpec _spec;
    private readonly AggregateLayout _layout;
    private readonly long _sizeMs;
    private readonly long _hopMs;
    private readonly CityEvent _aggregateEvent;
    private readonly bool _dedupIsKey;
    private readonly WindowClosings _closing = new();
    private readonly Stack<WindowAggregates> _pool = new();
    private readonly bool _windowIsEpisode;
    private readonly EvidenceEncoding _evidence;

    // An operator runs on one thread at a time (its runtime's): one buffer for the keys it reads.
    private readonly char[] _keyChars = new char[KeyCharsOnHand];

    public ThresholdOperator(CompiledRule rule, EmittedAlerts emitted)
        : base(rule, emitted, (long)rule.Threshold!.Size.TotalMilliseconds * 2)
    {
        _spec = rule.Threshold!;
        _layout = new AggregateLayout(_spec.Aggregates);
        _sizeMs = (long)_spec.Size.TotalMilliseconds;
        _hopMs = (long)_spec.Hop.TotalMilliseconds;
        _aggregateEvent = new CityEvent(_spec.AggregateSchema);
        _dedupIsKey = ReferenceEquals(rule.Dedup, rule.Key);
        _windowIsEpisode = _dedupIsKey && rule.Suppress == TimeSpan.Zero;
        _evidence = new EvidenceEncoding(rule);
    }

    public override bool FindsKeysByChars => true;

    public override void OnEvent(CityEvent evt, RuntimeContext context)
    {
        if (Rule.Where is { } where && !where.Evaluate(evt))
        {
            return;
        }

        var keyChars = Rule.Key.Select(evt, _keyChars, out var made);
        var ts = evt.Timestamp;
        var first = made is null ? State.GetAndTouch(keyChars, ts, s_keyOf) : State.GetAndTouch(made, ts);

        // The closing queue and the evidence hold the key's own string; an event of a tracked key makes none.
        var key = first?.Key ?? made ?? new string(keyChars);

        var lastStart = ts - Mod(ts, _hopMs);
        for (var start = lastStart; start > ts - _sizeMs; start -= _hopMs)
        {
            var window = Find(first, start);
            if (window is null)
            {
                window = _pool.TryPop(out var reused) ? reused : new WindowAggregates(_layout);
                window.Start = start;
                window.Key = key;
                if (first is null)
                {
                    first = window;
                    State.Add(key, ts, window);
                }
                else
                {
                    window.Next = first.Next;
                    first.Next = window;
                }

                _closing.Add(start + _sizeMs, key);
            }

            if (window.Fired)
            {
                // A window alerts once: what comes after only counts, and keeping it as evidence no alert will read was wasted work.
                window.Add(evt);
                continue;
            }

            window.Add(evt, key, _evidence);

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
        while (_closing.TryTakeDue(closed, out var end, out var keys))
        {
            foreach (var key in keys)
            {
                Close(key, end - _sizeMs);
            }

            _closing.Return(keys);
        }
    }

    private void Close(string key, long start)
    {
        WindowAggregates? previous = null;
        for (var window = State.Get(key); window is not null; previous = window, window = window.Next)
        {
            if (window.Start != start)
            {
                continue;
            }

            if (previous is not null)
            {
                previous.Next = window.Next;
                State.MarkDirty(key);
            }
            else if (window.Next is { } next)
            {
                State.Replace(key, next);
                State.MarkDirty(key);
            }
            else
            {
                State.Remove(key);
            }

            if (_pool.Count < MaxPooledWindows)
            {
                _pool.Push(window.Reset());
            }

            return;
        }
    }

    private static WindowAggregates? Find(WindowAggregates? first, long start)
    {
        for (var window = first; window is not null; window = window.Next)
        {
            if (window.Start == start)
            {
                return window;
            }
        }

        return null;
    }

    protected override void WriteState(Utf8JsonWriter writer, WindowAggregates state)
    {
        writer.WriteStartObject();
        for (var window = state; window is not null; window = window.Next)
        {
            writer.WritePropertyName(window.Start.ToString(CultureInfo.InvariantCulture));
            window.Write(writer, SingleSource, _evidence, state.Key);
        }

        writer.WriteEndObject();
    }

    protected override WindowAggregates ReadState(JsonElement element)
    {
        WindowAggregates? first = null;
        foreach (var property in element.EnumerateObject())
        {
            var window = WindowAggregates.Read(property.Value, long.Parse(property.Name, CultureInfo.InvariantCulture), _layout, SourceNamed, _evidence);
            if (first is null)
            {
                first = window;
            }
            else
            {
                window.Next = first.Next;
                first.Next = window;
            }
        }

        return first ?? throw new InvalidDataException("checkpointed key has no window");
    }

    protected override void OnRestored(string key, WindowAggregates state)
    {
        for (var window = state; window is not null; window = window.Next)
        {
            window.Key = key;
            _closing.Add(window.Start + _sizeMs, key);
        }
    }

    private static long Mod(long value, long modulus) => ((value % modulus) + modulus) % modulus;
}
