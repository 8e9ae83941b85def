using System.Globalization;
using System.Text.Json;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>The running aggregates of one window of one key, and a few of its events as evidence.</summary>
internal sealed class WindowAggregates
{
    public const int MaxEvidence = 10;

    private readonly IReadOnlyList<AggregateSpec> _specs;
    private readonly double[] _sum;
    private readonly double[] _min;
    private readonly double[] _max;
    private readonly long[] _count;
    private readonly HashSet<string>?[] _distinct;

    public WindowAggregates(IReadOnlyList<AggregateSpec> specs)
    {
        _specs = specs;
        _sum = new double[specs.Count];
        _min = new double[specs.Count];
        _max = new double[specs.Count];
        _count = new long[specs.Count];
        _distinct = new HashSet<string>?[specs.Count];
        Array.Fill(_min, double.PositiveInfinity);
        Array.Fill(_max, double.NegativeInfinity);
    }

    public long Events { get; private set; }

    public bool Fired { get; set; }

    public List<CityEvent> Evidence { get; } = new(MaxEvidence);

    /// <summary>Empties the window for reuse.</summary>
    public WindowAggregates Reset()
    {
        Events = 0;
        Fired = false;
        Evidence.Clear();
        Array.Clear(_sum);
        Array.Clear(_count);
        Array.Fill(_min, double.PositiveInfinity);
        Array.Fill(_max, double.NegativeInfinity);
        foreach (var set in _distinct)
        {
            set?.Clear();
        }

        return this;
    }

    public void Add(CityEvent evt)
    {
        Events++;
        if (Evidence.Count < MaxEvidence)
        {
            Evidence.Add(evt);
        }
        else
        {
            Evidence[MaxEvidence - 1] = evt;
        }

        for (var i = 0; i < _specs.Count; i++)
        {
            var spec = _specs[i];
            if (spec.Field is not { } field)
            {
                _count[i]++;
                continue;
            }

            if (!evt.Has(field))
            {
                continue;
            }

            if (spec.Function == "distinct")
            {
                (_distinct[i] ??= new HashSet<string>(StringComparer.Ordinal)).Add(field.Type == FieldType.String ? evt.GetString(field.Index)! : evt.Format(field));
                continue;
            }

            var value = evt.GetNumber(field.Index);
            _count[i]++;
            _sum[i] += value;
            _min[i] = Math.Min(_min[i], value);
            _max[i] = Math.Max(_max[i], value);
        }
    }

    public double Value(int i) => _specs[i].Function switch
    {
        "count" => _count[i],
        "sum" => _sum[i],
        "avg" => _count[i] == 0 ? 0 : _sum[i] / _count[i],
        "min" => _count[i] == 0 ? 0 : _min[i],
        "max" => _count[i] == 0 ? 0 : _max[i],
        _ => _distinct[i]?.Count ?? 0,
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

    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("n", Events);
        writer.WriteBoolean("fired", Fired);
        writer.WriteStartArray("a");
        for (var i = 0; i < _specs.Count; i++)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(_count[i]);
            writer.WriteNumberValue(_sum[i]);
            writer.WriteNumberValue(double.IsInfinity(_min[i]) ? 0 : _min[i]);
            writer.WriteNumberValue(double.IsInfinity(_max[i]) ? 0 : _max[i]);
            foreach (var value in _distinct[i] ?? [])
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        EventSnapshot.WriteList(writer, "ev", Evidence);
        writer.WriteEndObject();
    }

    public static WindowAggregates Read(JsonElement element, IReadOnlyList<AggregateSpec> specs, Func<string, SourceSchema?> sources)
    {
        var window = new WindowAggregates(specs)
        {
            Events = element.GetProperty("n").GetInt64(),
            Fired = element.GetProperty("fired").GetBoolean(),
        };
        var i = 0;
        foreach (var aggregate in element.GetProperty("a").EnumerateArray())
        {
            var values = aggregate.EnumerateArray().ToList();
            window._count[i] = values[0].GetInt64();
            window._sum[i] = values[1].GetDouble();
            if (window._count[i] > 0)
            {
                window._min[i] = values[2].GetDouble();
                window._max[i] = values[3].GetDouble();
            }

            if (values.Count > 4 || specs[i].Function == "distinct")
            {
                window._distinct[i] = new HashSet<string>(values.Skip(4).Select(v => v.GetString()!), StringComparer.Ordinal);
            }

            i++;
        }

        window.Evidence.AddRange(EventSnapshot.ReadList(element.GetProperty("ev"), sources));
        return window;
    }

    /// <summary>The placeholders the rule's templates show: aggregates and window bounds, formatted only when used.</summary>
    public Dictionary<string, string> Extras(CompiledRule rule, long windowStart, long windowEnd)
    {
        var extras = new Dictionary<string, string>(StringComparer.Ordinal);
        if (rule.UsesExtra("window_start"))
        {
            extras["window_start"] = DateTimeOffset.FromUnixTimeMilliseconds(windowStart).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        }

        if (rule.UsesExtra("window_end"))
        {
            extras["window_end"] = DateTimeOffset.FromUnixTimeMilliseconds(windowEnd).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        }

        for (var i = 0; i < _specs.Count; i++)
        {
            if (rule.UsesExtra(_specs[i].Name))
            {
                extras[_specs[i].Name] = Value(i).ToString("0.##", CultureInfo.InvariantCulture);
            }
        }

        return extras;
    }
}
