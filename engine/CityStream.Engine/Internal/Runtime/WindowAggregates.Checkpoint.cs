using System.Text.Json;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>A window in a checkpoint: its counts, aggregates and evidence events as JSON.</summary>
internal sealed partial class WindowAggregates
{
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
        for (var i = 0; i < _layout.Specs.Count; i++)
        {
            writer.WriteStartArray();
            var at = _layout.Offsets[i];
            if (at < 0)
            {
                // count(): the event count, and no field, so no sum, min or max to keep.
                writer.WriteNumberValue(Events);
                writer.WriteEndArray();
                continue;
            }

            writer.WriteNumberValue(_v[at + 3]);
            writer.WriteNumberValue(_v[at]);
            writer.WriteNumberValue(double.IsInfinity(_v[at + 1]) ? 0 : _v[at + 1]);
            writer.WriteNumberValue(double.IsInfinity(_v[at + 2]) ? 0 : _v[at + 2]);
            foreach (var value in _distinct?[i] ?? [])
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        EventSnapshot.WriteList(writer, "ev", _evidence.Events(encoding, key, Start), implied);
        writer.WriteEndObject();
    }

    public static WindowAggregates Read(JsonElement element, long start, AggregateLayout layout, Func<string, SourceSchema?> sources, EvidenceEncoding encoding)
    {
        var window = new WindowAggregates(layout)
        {
            Start = start,
            Events = element.GetProperty("n").GetInt64(),
            Fired = element.TryGetProperty("fired", out var fired) && fired.GetBoolean(),
        };
        var i = 0;
        foreach (var aggregate in element.GetProperty("a").EnumerateArray())
        {
            var values = aggregate.EnumerateArray().ToList();
            if (i >= layout.Offsets.Length)
            {
                throw new InvalidDataException("checkpointed window has more aggregates than its rule");
            }

            var at = layout.Offsets[i];
            if (at < 0)
            {
                // count(): the event count ("n"); an earlier format also wrote its unused sum, min and max.
                i++;
                continue;
            }

            if (values.Count < 4)
            {
                // A count() written where the rule, reloaded under the same id, now has an aggregate of a field.
                throw new InvalidDataException("checkpointed aggregate " + i + " is not one of a field");
            }

            window._v[at + 3] = values[0].GetDouble();
            window._v[at] = values[1].GetDouble();
            if (window._v[at + 3] > 0)
            {
                window._v[at + 1] = values[2].GetDouble();
                window._v[at + 2] = values[3].GetDouble();
            }

            if (values.Count > 4 || layout.Specs[i].Function == "distinct")
            {
                if (window._distinct is null)
                {
                    throw new InvalidDataException("checkpointed aggregate " + i + " has distinct values, and the rule counts none");
                }

                window._distinct[i] = new HashSet<string>(values.Skip(4).Select(v => v.GetString()!), StringComparer.Ordinal);
            }

            i++;
        }

        // A reload that lowered the rule's alert.evidence keeps the first events and the newest, as the window would have.
        foreach (var evt in EventSnapshot.ReadList(element.GetProperty("ev"), sources))
        {
            window._evidence.Add(evt, key: null, start, encoding, encoding.MaxEvents);
        }

        return window;
    }
}
