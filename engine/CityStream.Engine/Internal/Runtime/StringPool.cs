namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// Shares the strings of fields with few distinct values (a city's districts and grid cells) among the events the rules keep, so a
/// million kept events do not hold a million copies of a few thousand names. Bounded: past <see cref="MaxEntries"/> new values are
/// kept as they are.
/// </summary>
internal sealed class StringPool
{
    public const int MaxEntries = 100_000;

    private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);

    /// <summary>Replaces the event's grid and district strings by the pooled ones.</summary>
    public void Share(CityEvent evt)
    {
        var schema = evt.Schema;
        if (schema.GridField is { } grid)
        {
            Share(evt, grid.Index);
        }

        if (schema.DistrictField is { } district)
        {
            Share(evt, district.Index);
        }
    }

    private void Share(CityEvent evt, int index)
    {
        if (evt.GetString(index) is not { } value)
        {
            return;
        }

        if (_pool.TryGetValue(value, out var pooled))
        {
            if (!ReferenceEquals(pooled, value))
            {
                evt.SetString(index, pooled);
            }
        }
        else if (_pool.Count < MaxEntries)
        {
            _pool.Add(value, value);
        }
    }
}
