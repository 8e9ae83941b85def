using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The evidence events of one window, up to a limit, as bytes: per event its source and topic (by index into the operator's
/// <see cref="EvidenceEncoding"/>), partition, offset, row, which fields it has, and the values of those the rule can still
/// read — the event time as its distance from the window's start, other numbers as their 8 bytes, strings as UTF-8 or one byte
/// when the string is the window's key. Written by hand because a kept event as a <see cref="CityEvent"/> (object, a slot per
/// field of its schema, its id string) was ~256 B, two thirds of a tracked key's state, where these bytes are ~20; events are
/// made again only when an alert's evidence is rendered or the window is checkpointed. Appends until full, then the newest
/// event replaces the last one (the first ones stay).
/// </summary>
internal struct EvidenceLog
{
    private const int KeyMarker = 0;

    private byte[]? _bytes;
    private int _length;
    private int _lastStart;

    // The earliest and latest evidence time as distances from the window's start, kept as events are added: an alert needs them, and
    // reading them back from the bytes was 7 % of the in-process peers' rule (perf). Unknown once an event was replaced.
    private int _earliest;
    private int _latest;
    private bool _timesUnknown;

    // Whether an alert's image reads _bytes (ShareSnapshot): the log then writes to a copy, and Clear lets the array go.
    private bool _shared;

    public int Count { get; private set; }

    /// <summary>Forgets the events, keeping the buffer for the window's next use (a new one when an alert reads the old).</summary>
    public void Clear()
    {
        if (_shared)
        {
            // The alert keeps the array: a window of the same rule likely needs as many bytes again (and a few more for longer ids),
            // and made at that size now it needs neither the first sizing nor the doublings.
            _bytes = _length == 0 ? null : new byte[(_length + 15) & ~7];
            _shared = false;
        }

        _length = 0;
        _lastStart = 0;
        Count = 0;
        _timesUnknown = false;
    }

    /// <summary>
    /// Adds an event (replacing the last one when <paramref name="max"/> are kept; none when it is 0); <paramref name="key"/>: the window's key,
    /// written as a mark; <paramref name="timeBase"/>: the window's start, event times being written as the distance from it.
    /// </summary>
    public void Add(CityEvent evt, string? key, long timeBase, EvidenceEncoding encoding, int max)
    {
        if (max == 0)
        {
            return; // the rule's alerts carry no evidence
        }

        if (Count == max)
        {
            _length = _lastStart;
            Count--;
            _timesUnknown = true;
        }

        TrackTime(evt.Timestamp - timeBase);

        var source = encoding.SourceIndex(evt.Schema);
        var present = evt.PresentMask & encoding.Keep(source);
        var origin = evt.Origin;
        var topic = (ulong)encoding.TopicIndex(origin.Topic);
        var partition = ZigZag(origin.Partition);
        var offset = ZigZag(origin.Offset);
        var row = ZigZag(origin.Row);
        var schema = evt.Schema;
        var fields = schema.Fields;
        var timeIndex = schema.TimeField.Index;
        var time = TimeValue(evt.GetNumber(timeIndex), timeBase);

        // Sized exactly first, so the window's buffer grows to fit and the event is written straight into it.
        var size = 1 + VarintLength(topic) + VarintLength(partition) + VarintLength(offset) + VarintLength(row) + VarintLength(present);
        for (var rest = present; rest != 0; rest &= rest - 1)
        {
            var i = BitOperations.TrailingZeroCount(rest);
            if (i == timeIndex)
            {
                size += VarintLength(time) + (time == RawTime ? 8 : 0);
                continue;
            }

            if (fields[i].Type != FieldType.String)
            {
                size += 8;
                continue;
            }

            if (evt.TryGetStringBytes(i, out var utf8))
            {
                // Copied as they are: the string is not made (an event's id, its free text) unless a rule or an alert reads it.
                size += IsKey(utf8, key) ? 1 : VarintLength((ulong)utf8.Length + 1) + utf8.Length;
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
        // A shared array (an alert's image reads it) is never written again: the log writes on from a new one, as when it grows.
        if (_bytes is null || _shared || _bytes.Length - _length < size)
        {
            // The first event sizes the buffer for two like it and a few bytes more (the next id a digit longer); then it doubles.
            // Sizes in multiples of 8: an array's object is padded to 8 bytes anyway.
            var capacity = Math.Max(_length + size, _bytes is null ? (2 * size) + 4 : 2 * _bytes.Length);
            var grown = new byte[(capacity + 7) & ~7];
            _bytes?.AsSpan(0, _length).CopyTo(grown);
            _bytes = grown;
            _shared = false;
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
            if (i == timeIndex)
            {
                at += WriteVarint(span[at..], time);
                if (time == RawTime)
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(span[at..], evt.GetNumber(i));
                    at += 8;
                }

                continue;
            }

            if (fields[i].Type != FieldType.String)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[at..], evt.GetNumber(i));
                at += 8;
                continue;
            }

            if (evt.TryGetStringBytes(i, out var bytes))
            {
                if (IsKey(bytes, key))
                {
                    span[at++] = KeyMarker;
                    continue;
                }

                at += WriteVarint(span[at..], (ulong)bytes.Length + 1);
                bytes.CopyTo(span[at..]);
                at += bytes.Length;
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

        _length += at;
        Count++;
    }

    /// <summary>
    /// The events as they are now, for an alert to render later, reading this log's own bytes: a window that fired adds no more
    /// evidence, so its alert needs no copy (one per alert, a fifth of what the peers' rule allocated in-process). Should the log
    /// be written again, it writes to a copy; when cleared for the window's reuse, it lets the array go.
    /// </summary>
    public EvidenceImage ShareSnapshot(EvidenceEncoding encoding, string key, long timeBase)
    {
        _shared = _bytes is not null;
        return new EvidenceImage(_bytes ?? [], _length, Count, encoding, key, timeBase);
    }

    /// <summary>The events, made again (their strings are new; the key's is <paramref name="key"/>).</summary>
    public readonly CityEvent[] Events(EvidenceEncoding encoding, string? key, long timeBase) =>
        Read(_bytes is null ? [] : _bytes.AsSpan(0, _length), Count, encoding, key, timeBase);

    /// <summary>The first and last event time of the events, read without making them.</summary>
    public readonly (long First, long Last) TimeRange(EvidenceEncoding encoding, long timeBase)
    {
        if (!_timesUnknown && Count > 0)
        {
            return (timeBase + _earliest, timeBase + _latest);
        }

        var (first, last) = (long.MaxValue, long.MinValue);
        var bytes = _bytes.AsSpan(0, _length);
        Span<int> fieldAt = stackalloc int[64];
        var at = 0;
        for (var n = 0; n < Count; n++)
        {
            var timeIndex = ReadPositions(bytes, ref at, encoding, fieldAt, out _).TimeField.Index;
            if (fieldAt[timeIndex] >= 0)
            {
                var ts = (long)NumberAt(bytes, fieldAt[timeIndex], isTime: true, timeBase);
                first = Math.Min(first, ts);
                last = Math.Max(last, ts);
            }
        }

        return (first, last);
    }

    private void TrackTime(long distance)
    {
        if (distance is < int.MinValue or > int.MaxValue)
        {
            _timesUnknown = true;
        }
        else if (Count == 0)
        {
            _earliest = _latest = (int)distance;
        }
        else
        {
            _earliest = Math.Min(_earliest, (int)distance);
            _latest = Math.Max(_latest, (int)distance);
        }
    }

    public static CityEvent[] Read(ReadOnlySpan<byte> bytes, int count, EvidenceEncoding encoding, string? key, long timeBase)
    {
        var events = new CityEvent[count];
        Span<int> fieldAt = stackalloc int[64];
        var at = 0;
        for (var n = 0; n < count; n++)
        {
            var schema = ReadPositions(bytes, ref at, encoding, fieldAt, out var origin);
            var evt = new CityEvent(schema) { Origin = origin };
            var fields = schema.Fields;
            for (var i = 0; i < fields.Count; i++)
            {
                var position = fieldAt[i];
                if (position < 0)
                {
                    continue;
                }

                if (fields[i].Type != FieldType.String)
                {
                    evt.SetNumber(i, NumberAt(bytes, position, i == schema.TimeField.Index, timeBase));
                    continue;
                }

                var utf8 = StringAt(bytes, position, out var isKey);
                evt.SetString(i, isKey
                    ? key ?? throw new InvalidOperationException("evidence refers to a key it was not given")
                    : Encoding.UTF8.GetString(utf8));
            }

            events[n] = evt;
        }

        return events;
    }

    /// <summary>
    /// Reads the event at <paramref name="at"/> without making it: its source and origin, and in <paramref name="fieldAt"/> where each
    /// kept field's value starts (-1 for fields it does not have); read them with <see cref="NumberAt"/> and <see cref="StringAt"/>.
    /// </summary>
    public static SourceSchema ReadPositions(ReadOnlySpan<byte> bytes, ref int at, EvidenceEncoding encoding, Span<int> fieldAt, out EventOrigin origin)
    {
        var schema = ReadHeader(bytes, ref at, encoding, out origin, out var present);
        var fields = schema.Fields;
        var timeIndex = schema.TimeField.Index;
        fieldAt[..fields.Count].Fill(-1);
        for (var rest = present; rest != 0; rest &= rest - 1)
        {
            var i = BitOperations.TrailingZeroCount(rest);
            fieldAt[i] = at;
            if (i == timeIndex)
            {
                if (ReadVarint(bytes, ref at) == RawTime)
                {
                    at += 8;
                }
            }
            else if (fields[i].Type != FieldType.String)
            {
                at += 8;
            }
            else
            {
                var length = (int)ReadVarint(bytes, ref at);
                at += Math.Max(0, length - 1);
            }
        }

        return schema;
    }

    /// <summary>The number at a position <see cref="ReadPositions"/> gave (<paramref name="isTime"/>: the event-time field).</summary>
    public static double NumberAt(ReadOnlySpan<byte> bytes, int at, bool isTime, long timeBase) =>
        isTime ? ReadTime(bytes, ref at, timeBase) : BinaryPrimitives.ReadDoubleLittleEndian(bytes[at..]);

    /// <summary>The UTF-8 of the string at a position <see cref="ReadPositions"/> gave; empty and <paramref name="isKey"/> when it is the key.</summary>
    public static ReadOnlySpan<byte> StringAt(ReadOnlySpan<byte> bytes, int at, out bool isKey)
    {
        var length = (int)ReadVarint(bytes, ref at);
        isKey = length == KeyMarker;
        return isKey ? [] : bytes.Slice(at, length - 1);
    }

    private static SourceSchema ReadHeader(ReadOnlySpan<byte> bytes, ref int at, EvidenceEncoding encoding, out EventOrigin origin, out ulong present)
    {
        var schema = encoding.Source(bytes[at++]);
        var topic = (int)ReadVarint(bytes, ref at);
        var partition = (int)UnZigZag(ReadVarint(bytes, ref at));
        var offset = UnZigZag(ReadVarint(bytes, ref at));
        var row = (int)UnZigZag(ReadVarint(bytes, ref at));
        present = ReadVarint(bytes, ref at);
        origin = new EventOrigin(encoding.Topic(topic), partition, offset, row);
        return schema;
    }

    // An event time is written as its zigzagged distance from the window's start, plus one; 0 (RawTime) is followed by the
    // 8 bytes of a value that is no whole number of milliseconds within reach.
    private const ulong RawTime = 0;

    private static ulong TimeValue(double time, long timeBase)
    {
        if (time is < -9e15 or > 9e15 || time != Math.Floor(time))
        {
            return RawTime;
        }

        return ZigZag((long)time - timeBase) + 1;
    }

    private static double ReadTime(ReadOnlySpan<byte> bytes, ref int at, long timeBase)
    {
        var value = ReadVarint(bytes, ref at);
        if (value == RawTime)
        {
            var raw = BinaryPrimitives.ReadDoubleLittleEndian(bytes[at..]);
            at += 8;
            return raw;
        }

        return UnZigZag(value - 1) + timeBase;
    }

    private static bool IsKey(string text, string? key) =>
        key is not null && (ReferenceEquals(text, key) || string.Equals(text, key, StringComparison.Ordinal));

    /// <summary>Whether valid UTF-8 bytes are the key (for a key longer than 128 characters, made into a string to compare).</summary>
    private static bool IsKey(ReadOnlySpan<byte> utf8, string? key)
    {
        if (key is null || utf8.Length < key.Length || utf8.Length > 3 * key.Length)
        {
            return false;
        }

        if (utf8.Length == key.Length)
        {
            // As many bytes as characters: equal only as the same ASCII text (any other character takes more bytes than characters).
            return System.Text.Ascii.Equals(utf8, key);
        }

        if (key.Length > 128)
        {
            return string.Equals(Encoding.UTF8.GetString(utf8), key, StringComparison.Ordinal);
        }

        // Decoded rather than the key encoded: valid UTF-8 decodes exactly, where a key with a lone surrogate would encode as U+FFFD.
        Span<char> chars = stackalloc char[3 * 128];
        var length = Encoding.UTF8.GetChars(utf8, chars);
        return chars[..length].SequenceEqual(key);
    }

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
internal sealed class EvidenceImage(byte[] bytes, int length, int count, EvidenceEncoding encoding, string key, long timeBase)
{
    public int Count => count;

    public ReadOnlySpan<byte> Bytes => bytes.AsSpan(0, length);

    public EvidenceEncoding Encoding => encoding;

    public string Key => key;

    public long TimeBase => timeBase;

    public CityEvent[] Events() => EvidenceLog.Read(Bytes, count, encoding, key, timeBase);
}
