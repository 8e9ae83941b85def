using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The evidence events of one window, up to a limit, as bytes: per event its source and topic (by index into the operator's
/// <see cref="EvidenceEncoding"/>), partition, offset, row, which fields it has, and the values of those the rule can still
/// read — numbers as their 8 bytes, strings as UTF-8, or one byte when the string is the window's key. Written by hand because
/// a kept event as a <see cref="CityEvent"/> (object, a slot per field of its schema, its id string) was ~256 B, two thirds of a
/// tracked key's state, where these bytes are ~30; events are made again only when an alert's evidence is rendered or the
/// window is checkpointed. Appends until full, then the newest event replaces the last one (the first ones stay).
/// </summary>
internal struct EvidenceLog
{
    private const int KeyMarker = 0;

    private byte[]? _bytes;
    private int _length;
    private int _lastStart;

    public int Count { get; private set; }

    /// <summary>Forgets the events, keeping the buffer for the window's next use.</summary>
    public void Clear()
    {
        _length = 0;
        _lastStart = 0;
        Count = 0;
    }

    public void Add(CityEvent evt, string? key, EvidenceEncoding encoding, int max)
    {
        if (Count == max)
        {
            _length = _lastStart;
            Count--;
        }

        var source = encoding.SourceIndex(evt.Schema);
        var present = evt.PresentMask & encoding.Keep(source);
        var origin = evt.Origin;
        var topic = (ulong)encoding.TopicIndex(origin.Topic);
        var partition = ZigZag(origin.Partition);
        var offset = ZigZag(origin.Offset);
        var row = ZigZag(origin.Row);
        var fields = evt.Schema.Fields;

        // Sized exactly first, so the window's buffer grows to fit and the event is written straight into it.
        var size = 1 + VarintLength(topic) + VarintLength(partition) + VarintLength(offset) + VarintLength(row) + VarintLength(present);
        for (var rest = present; rest != 0; rest &= rest - 1)
        {
            var i = BitOperations.TrailingZeroCount(rest);
            if (fields[i].Type != FieldType.String)
            {
                size += 8;
                continue;
            }

            var text = evt.GetString(i)!;
            if (IsKey(text, key))
            {
                size++;
                continue;
            }

            var byteCount = Encoding.UTF8.GetByteCount(text);
            size += VarintLength((ulong)byteCount + 1) + byteCount;
        }

        _lastStart = _length;
        if (_bytes is null || _bytes.Length - _length < size)
        {
            // The first event sizes the buffer for two like it; then it doubles.
            var grown = new byte[Math.Max(_length + size, _bytes is null ? 2 * size : 2 * _bytes.Length)];
            _bytes?.AsSpan(0, _length).CopyTo(grown);
            _bytes = grown;
        }

        var span = _bytes.AsSpan(_length, size);
        var at = 0;
        span[at++] = (byte)source;
        at += WriteVarint(span[at..], topic);
        at += WriteVarint(span[at..], partition);
        at += WriteVarint(span[at..], offset);
        at += WriteVarint(span[at..], row);
        at += WriteVarint(span[at..], present);
        for (var rest = present; rest != 0; rest &= rest - 1)
        {
            var i = BitOperations.TrailingZeroCount(rest);
            if (fields[i].Type != FieldType.String)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[at..], evt.GetNumber(i));
                at += 8;
                continue;
            }

            var text = evt.GetString(i)!;
            if (IsKey(text, key))
            {
                span[at++] = KeyMarker;
                continue;
            }

            at += WriteVarint(span[at..], (ulong)Encoding.UTF8.GetByteCount(text) + 1);
            at += Encoding.UTF8.GetBytes(text, span[at..]);
        }

        at += _length;
        _length = at;
        Count++;
    }

    /// <summary>A copy of the events as they are now, for an alert to render later.</summary>
    public readonly EvidenceImage Snapshot(EvidenceEncoding encoding, string key) =>
        new(_bytes is null ? [] : _bytes.AsSpan(0, _length).ToArray(), Count, encoding, key);

    /// <summary>The events, made again (their strings are new; the key's is <paramref name="key"/>).</summary>
    public readonly CityEvent[] Events(EvidenceEncoding encoding, string? key) =>
        Read(_bytes is null ? [] : _bytes.AsSpan(0, _length), Count, encoding, key);

    public static CityEvent[] Read(ReadOnlySpan<byte> bytes, int count, EvidenceEncoding encoding, string? key)
    {
        var events = new CityEvent[count];
        var at = 0;
        for (var n = 0; n < count; n++)
        {
            var schema = encoding.Source(bytes[at++]);
            var topic = encoding.Topic((int)ReadVarint(bytes, ref at));
            var partition = (int)UnZigZag(ReadVarint(bytes, ref at));
            var offset = UnZigZag(ReadVarint(bytes, ref at));
            var row = (int)UnZigZag(ReadVarint(bytes, ref at));
            var present = ReadVarint(bytes, ref at);
            var evt = new CityEvent(schema) { Origin = new EventOrigin(topic, partition, offset, row) };
            var fields = schema.Fields;
            for (var i = 0; i < fields.Count; i++)
            {
                if ((present & (1UL << i)) == 0)
                {
                    continue;
                }

                if (fields[i].Type != FieldType.String)
                {
                    evt.SetNumber(i, BinaryPrimitives.ReadDoubleLittleEndian(bytes[at..]));
                    at += 8;
                    continue;
                }

                var length = (int)ReadVarint(bytes, ref at);
                if (length == KeyMarker)
                {
                    evt.SetString(i, key ?? throw new InvalidOperationException("evidence refers to a key it was not given"));
                    continue;
                }

                evt.SetString(i, Encoding.UTF8.GetString(bytes.Slice(at, length - 1)));
                at += length - 1;
            }

            events[n] = evt;
        }

        return events;
    }

    private static bool IsKey(string text, string? key) =>
        key is not null && (ReferenceEquals(text, key) || string.Equals(text, key, StringComparison.Ordinal));

    private static int VarintLength(ulong value) => value < 0x80 ? 1 : (BitOperations.Log2(value) / 7) + 1;

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    private static int WriteVarint(Span<byte> span, ulong value)
    {
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        return n;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int at)
    {
        ulong value = 0;
        var shift = 0;
        byte b;
        do
        {
            b = span[at++];
            value |= (ulong)(b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);

        return value;
    }
}

/// <summary>A window's evidence as it was when its alert fired: made into events when the alert's evidence is first read.</summary>
internal sealed class EvidenceImage(byte[] bytes, int count, EvidenceEncoding encoding, string key)
{
    public int Count => count;

    public CityEvent[] Events() => EvidenceLog.Read(bytes, count, encoding, key);
}
