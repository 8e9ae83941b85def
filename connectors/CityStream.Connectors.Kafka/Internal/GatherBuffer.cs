namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// The values of a task's gathered records, back to back in one array reused poll after poll (no allocation per record). A record
/// is found by its start and length, which stay valid when the array grows, until <see cref="Reset"/>. The array doubles as it
/// fills up to half of <paramref name="usualMaxBytes"/> (what a poll holds at most, bar an unusually large record), then takes that
/// size; past it, it grows only to what is needed.
/// </summary>
internal sealed class GatherBuffer(int usualMaxBytes, int initialBytes = 64 * 1024)
{
    private byte[] _bytes = new byte[initialBytes];
    private int _used;

    /// <summary>Bytes the array holds now (it grows, never shrinks).</summary>
    public int Capacity => _bytes.Length;

    /// <summary>Copies <paramref name="value"/> in; returns where it starts.</summary>
    public int Append(ReadOnlySpan<byte> value)
    {
        if (_bytes.Length - _used < value.Length)
        {
            // Doubling up to a poll's bound and then once more (the bound and a record) made Arrow hosts' buffer 32 MiB for polls of
            // 16 MiB, after 64 MiB of growing arrays, all on the large object heap (whose budget then set off gen2 collections). A
            // doubling that would pass half the bound goes to the bound at once: 33 MiB allocated in all for a 17 MiB buffer. Past the
            // bound (a record larger than a poll's last usually is), it takes what is needed only.
            long next = _bytes.Length >= usualMaxBytes ? 0 : _bytes.Length * 2L;
            if (next > usualMaxBytes / 2)
            {
                next = usualMaxBytes;
            }

            var larger = new byte[Math.Max(next, (long)_used + value.Length)];
            _bytes.AsSpan(0, _used).CopyTo(larger);
            _bytes = larger;
        }

        var start = _used;
        value.CopyTo(_bytes.AsSpan(start));
        _used += value.Length;
        return start;
    }

    /// <summary>A value appended since the last <see cref="Reset"/>; valid until the next one.</summary>
    public ReadOnlyMemory<byte> Value(int start, int length) => _bytes.AsMemory(start, length);

    /// <summary>Forgets every value: the next poll writes over them.</summary>
    public void Reset() => _used = 0;
}
