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
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _byChars;

    public StringPool() => _byChars = _pool.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Replaces the event's grid and district strings (those in <paramref name="keep"/>) by the pooled ones.</summary>
    public void Share(CityEvent evt, ulong keep = ulong.MaxValue)
    {
        var schema = evt.Schema;
        if (schema.GridField is { } grid && (keep & (1UL << grid.Index)) != 0)
        {
            Share(evt, grid.Index);
        }

        if (schema.DistrictField is { } district && (keep & (1UL << district.Index)) != 0)
        {
            Share(evt, district.Index);
        }
    }

    private void Share(CityEvent evt, int index)
    {
        // A value still held as bytes is looked up by its characters, so a name already pooled is never made again.
        if (evt.TryGetStringBytes(index, out var utf8) && utf8.Length <= 256)
        {
            Span<char> chars = stackalloc char[256];
            var length = System.Text.Encoding.UTF8.GetChars(utf8, chars);
            if (_byChars.TryGetValue(chars[..length], out var known))
            {
                evt.SetString(index, known);
                return;
            }
        }

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
