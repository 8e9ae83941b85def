using System.Globalization;
using System.Text.Json;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The running aggregates of one window of one key, and a few of its events as evidence. A key's open windows are a chain
/// (<see cref="Next"/>) from the one its state holds: almost always one (tumbling), a few when hopping or late.
/// </summary>
internal sealed partial class WindowAggregates
{
    private readonly AggregateLayout _layout;
    // One array for the sum, min, max and count of every aggregate of a field (none for count(), the event count), and distinct
    // sets only for rules that count distinct values: a window is per key, and a million open windows made arrays add up.
    private readonly double[] _v;
    private readonly HashSet<string>?[]? _distinct;

    public WindowAggregates(AggregateLayout layout)
    {
        _layout = layout;
        _v = layout.Slots == 0 ? [] : new double[layout.Slots];
        _distinct = layout.HasDistinct ? new HashSet<string>?[layout.Specs.Count] : null;
        ResetValues();
    }

    private void ResetValues()
    {
        for (var i = 0; i < _v.Length; i += 4)
        {
            _v[i] = 0;
            _v[i + 1] = double.PositiveInfinity;
            _v[i + 2] = double.NegativeInfinity;
            _v[i + 3] = 0;
        }
    }

    /// <summary>The window's start (event time, inclusive).</summary>
    public long Start { get; set; }

    /// <summary>The key's next open window, if it has more than one.</summary>
    public WindowAggregates? Next { get; set; }

    /// <summary>The key's string as the state holds it (every window of the key holds the same).</summary>
    public string? Key { get; set; }

    public long Events { get; private set; }

    public bool Fired { get; set; }

    // The evidence as compact bytes, not the events: a window is per key, and kept events were most of a key's state.
    private EvidenceLog _evidence;

    /// <summary>First and last event time of the evidence (none kept: both of <paramref name="newest"/>, the event that fired).</summary>
    public (long First, long Last) EvidenceTimes(EvidenceEncoding encoding, CityEvent newest) =>
        _evidence.Count == 0 ? (newest.Timestamp, newest.Timestamp) : _evidence.TimeRange(encoding, Start);

    /// <summary>The evidence as it is now, for an alert fired now (sharing the window's bytes: a window that fired adds no evidence).</summary>
    public EvidenceImage EvidenceSnapshot(EvidenceEncoding encoding, string key) => _evidence.ShareSnapshot(encoding, key, Start);

    /// <summary>Empties the window for reuse.</summary>
    public WindowAggregates Reset()
    {
        Start = 0;
        Next = null;
        Key = null;
        Events = 0;
        Fired = false;
        _evidence.Clear();
        ResetValues();
        foreach (var set in _distinct ?? [])
        {
            set?.Clear();
        }

        return this;
    }

    /// <summary>Adds an event to the aggregates and, as evidence, to the window's log (<paramref name="key"/>: the window's key, written as a mark).</summary>
    public void Add(CityEvent evt, string? key, EvidenceEncoding encoding)
    {
        _evidence.Add(evt, key, Start, encoding, encoding.MaxEvents);
        Add(evt);
    }

    /// <summary>Adds an event to the aggregates only.</summary>
    public void Add(CityEvent evt)
    {
        Events++;
        var offsets = _layout.Offsets;
        for (var i = 0; i < offsets.Length; i++)
        {
            var at = offsets[i];
            if (at < 0)
            {
                continue; // count(): the event count
            }

            var spec = _layout.Specs[i];
            var field = spec.Field!;
            if (!evt.Has(field))
            {
                continue;
            }

            if (spec.Function == "distinct")
            {
                (_distinct![i] ??= new HashSet<string>(StringComparer.Ordinal)).Add(field.Type == FieldType.String ? evt.GetString(field.Index)! : evt.Format(field));
                continue;
            }

            var value = evt.GetNumber(field.Index);
            _v[at + 3]++;
            _v[at] += value;
            _v[at + 1] = Math.Min(_v[at + 1], value);
            _v[at + 2] = Math.Max(_v[at + 2], value);
        }
    }

    public double Value(int i)
    {
        var at = _layout.Offsets[i];
        if (at < 0)
        {
            return Events;
        }

        return _layout.Specs[i].Function switch
        {
            "count" => _v[at + 3],
            "sum" => _v[at],
            "avg" => _v[at + 3] == 0 ? 0 : _v[at] / _v[at + 3],
            "min" => _v[at + 3] == 0 ? 0 : _v[at + 1],
            "max" => _v[at + 3] == 0 ? 0 : _v[at + 2],
            _ => _distinct?[i]?.Count ?? 0,
        };
    }

    /// <summary>Writes the aggregates into the event the <c>having</c> condition reads.</summary>
    public void Fill(CityEvent target, string key, long windowStart, long windowEnd, long lastTime)
    {
        target.SetString(0, key);
        target.SetNumber(1, lastTime);
        target.SetString(2, key);
        target.SetNumber(3, windowStart);
        target.SetNumber(4, windowEnd);
        for (var i = 0; i < _layout.Specs.Count; i++)
        {
            target.SetNumber(_layout.Specs[i].Slot, Value(i));
        }
    }

    /// <summary>The placeholders the rule's templates show (aggregates and window bounds), as of now; null when they show none.</summary>
    public WindowExtras? Extras(CompiledRule rule, long windowStart, long windowEnd)
    {
        if (rule.Title.ExtrasUsed.Count == 0 && rule.Message.ExtrasUsed.Count == 0)
        {
            return null;
        }

        var values = new double[_layout.Specs.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Value(i);
        }

        return new WindowExtras(_layout.Specs, values, windowStart, windowEnd);
    }
}
