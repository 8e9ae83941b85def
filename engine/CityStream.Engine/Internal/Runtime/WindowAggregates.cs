using System.Globalization;
using System.Text.Json;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>The running aggregates of one window of one key, and a few of its events as evidence.</summary>
internal sealed class WindowAggregates
{
    public const int MaxEvidence = 10;

    private readonly IReadOnlyList<AggregateSpec> _specs;
    // One array for every aggregate's sum, min, max and count (4 slots each), and distinct sets only for rules that
    // count distinct values: a window is per key, and a million open windows made the separate arrays add up.
    private readonly double[] _v;
    private readonly HashSet<string>?[]? _distinct;

    public WindowAggregates(IReadOnlyList<AggregateSpec> specs)
    {
        _specs = specs;
        _v = new double[4 * specs.Count];
        _distinct = specs.Any(s => s.Function == "distinct") ? new HashSet<string>?[specs.Count] : null;
        ResetValues();
    }

    private void ResetValues()
    {
        for (var i = 0; i < _specs.Count; i++)
        {
            _v[4 * i] = 0;
            _v[(4 * i) + 1] = double.PositiveInfinity;
            _v[(4 * i) + 2] = double.NegativeInfinity;
            _v[(4 * i) + 3] = 0;
        }
    }

    public long Events { get; private set; }

    public bool Fired { get; set; }

    // The evidence as compact bytes, not the events: a window is per key, and kept events were most of a key's state.
    private EvidenceLog _evidence;

    public int EvidenceCount => _evidence.Count;

    // The evidence's first and last event time, kept as events come (they are in cache then) so building the alert need not
    // read every evidence event again; stale once a full list had its last event replaced.
    private long _evidenceFirst = long.MaxValue;
    private long _evidenceLast = long.MinValue;
    private bool _evidenceTimesStale;

    /// <summary>First and last event time of the evidence.</summary>
    public (long First, long Last) EvidenceTimes(EvidenceEncoding encoding, string key)
    {
        if (_evidenceTimesStale)
        {
            _evidenceFirst = long.MaxValue;
            _evidenceLast = long.MinValue;
            foreach (var evt in _evidence.Events(encoding, key))
            {
                _evidenceFirst = Math.Min(_evidenceFirst, evt.Timestamp);
                _evidenceLast = Math.Max(_evidenceLast, evt.Timestamp);
            }

            _evidenceTimesStale = false;
        }

        return (_evidenceFirst, _evidenceLast);
    }

    /// <summary>The evidence as it is now, for an alert fired now.</summary>
    public EvidenceImage EvidenceSnapshot(EvidenceEncoding encoding, string key) => _evidence.Snapshot(encoding, key);

    /// <summary>The evidence events, made again.</summary>
    public CityEvent[] EvidenceEvents(EvidenceEncoding encoding, string? key) => _evidence.Events(encoding, key);

    /// <summary>Empties the window for reuse.</summary>
    public WindowAggregates Reset()
    {
        Events = 0;
        Fired = false;
        _evidence.Clear();
        _evidenceFirst = long.MaxValue;
        _evidenceLast = long.MinValue;
        _evidenceTimesStale = false;
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
        if (_evidence.Count < MaxEvidence)
        {
            var ts = evt.Timestamp;
            _evidenceFirst = Math.Min(_evidenceFirst, ts);
            _evidenceLast = Math.Max(_evidenceLast, ts);
        }
        else
        {
            _evidenceTimesStale = true;
        }

        _evidence.Add(evt, key, encoding, MaxEvidence);
        Add(evt);
    }

    /// <summary>Adds an event to the aggregates only.</summary>
    public void Add(CityEvent evt)
    {
        Events++;
        for (var i = 0; i < _specs.Count; i++)
        {
            var spec = _specs[i];
            if (spec.Field is not { } field)
            {
                _v[(4 * i) + 3]++;
                continue;
            }

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
            _v[(4 * i) + 3]++;
            _v[4 * i] += value;
            _v[(4 * i) + 1] = Math.Min(_v[(4 * i) + 1], value);
            _v[(4 * i) + 2] = Math.Max(_v[(4 * i) + 2], value);
        }
    }

    public double Value(int i) => _specs[i].Function switch
    {
        "count" => _v[(4 * i) + 3],
        "sum" => _v[4 * i],
        "avg" => _v[(4 * i) + 3] == 0 ? 0 : _v[4 * i] / _v[(4 * i) + 3],
        "min" => _v[(4 * i) + 3] == 0 ? 0 : _v[(4 * i) + 1],
        "max" => _v[(4 * i) + 3] == 0 ? 0 : _v[(4 * i) + 2],
        _ => _distinct?[i]?.Count ?? 0,
    };

    /// <summary>Writes the aggregates into the event the <c>having</c> condition reads.</summary>
    public void Fill(CityEvent target, string key, long windowStart, long windowEnd, long lastTime)
    {
        target.SetString(0, key);
        target.SetNumber(1, lastTime);
        target.SetString(2, key);
        target.SetNumber(3, windowStart);
        target.SetNumber(4, windowEnd);
        for (var i = 0; i < _specs.Count; i++)
        {
            target.SetNumber(_specs[i].Slot, Value(i));
        }
    }

    /// <summary>Writes the window (its evidence events leave out their source when it is <paramref name="implied"/>; "fired" only when true).</summary>
    public void Write(Utf8JsonWriter writer, SourceSchema? implied, EvidenceEncoding encoding, string? key)
    {
        writer.WriteStartObject();
        writer.WriteNumber("n", Events);
        if (Fired)
        {
            writer.WriteBoolean("fired", true);
        }

        writer.WriteStartArray("a");
        for (var i = 0; i < _specs.Count; i++)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(_v[(4 * i) + 3]);
            if (_specs[i].Field is null)
            {
                // count(): no field, so no sum, min or max to keep.
                writer.WriteEndArray();
                continue;
            }

            writer.WriteNumberValue(_v[4 * i]);
            writer.WriteNumberValue(double.IsInfinity(_v[(4 * i) + 1]) ? 0 : _v[(4 * i) + 1]);
            writer.WriteNumberValue(double.IsInfinity(_v[(4 * i) + 2]) ? 0 : _v[(4 * i) + 2]);
            foreach (var value in _distinct?[i] ?? [])
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        EventSnapshot.WriteList(writer, "ev", _evidence.Events(encoding, key), implied);
        writer.WriteEndObject();
    }

    public static WindowAggregates Read(JsonElement element, IReadOnlyList<AggregateSpec> specs, Func<string, SourceSchema?> sources, EvidenceEncoding encoding)
    {
        var window = new WindowAggregates(specs)
        {
            Events = element.GetProperty("n").GetInt64(),
            Fired = element.TryGetProperty("fired", out var fired) && fired.GetBoolean(),
        };
        var i = 0;
        foreach (var aggregate in element.GetProperty("a").EnumerateArray())
        {
            var values = aggregate.EnumerateArray().ToList();
            window._v[(4 * i) + 3] = values[0].GetDouble();
            if (values.Count == 1)
            {
                i++;
                continue;
            }

            window._v[4 * i] = values[1].GetDouble();
            if (window._v[(4 * i) + 3] > 0)
            {
                window._v[(4 * i) + 1] = values[2].GetDouble();
                window._v[(4 * i) + 2] = values[3].GetDouble();
            }

            if (values.Count > 4 || specs[i].Function == "distinct")
            {
                window._distinct![i] = new HashSet<string>(values.Skip(4).Select(v => v.GetString()!), StringComparer.Ordinal);
            }

            i++;
        }

        foreach (var evt in EventSnapshot.ReadList(element.GetProperty("ev"), sources))
        {
            window._evidence.Add(evt, key: null, encoding, MaxEvidence);
        }

        window._evidenceTimesStale = true;
        return window;
    }

    /// <summary>The placeholders the rule's templates show (aggregates and window bounds), as of now; null when they show none.</summary>
    public WindowExtras? Extras(CompiledRule rule, long windowStart, long windowEnd)
    {
        if (rule.Title.ExtrasUsed.Count == 0 && rule.Message.ExtrasUsed.Count == 0)
        {
            return null;
        }

        var values = new double[_specs.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Value(i);
        }

        return new WindowExtras(_specs, values, windowStart, windowEnd);
    }
}
