using System.Globalization;

namespace CityStream.Engine;

/// <summary>
/// One decoded, validated event in its schema-bound form: values sit in slots indexed by
/// <see cref="FieldDefinition.Index"/> (numbers, integers, booleans and times as doubles, which are
/// exact for integers up to 2^53; strings apart), never in a dictionary.
/// </summary>
public sealed class CityEvent
{
    // One slot per field holding either kind of value: one array per event instead of a numbers and a strings array (an
    // allocation less per decoded event, 24 bytes less per event kept in state, a field's value in one cache line).
    private readonly Slot[] _slots;
    private ulong _present;
    // Bit i: field i's string is not made yet; its UTF-8 bytes lie in SourceRecord, their start and length packed in the slot's number.
    private ulong _unread;

    /// <summary>Creates an empty event of a schema, to be filled with the setters.</summary>
    public CityEvent(SourceSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Schema = schema;
        _slots = new Slot[schema.Fields.Count];
    }

    /// <summary>The schema (source) of the event.</summary>
    public SourceSchema Schema { get; }

    /// <summary>Where the event was read from.</summary>
    public EventOrigin Origin { get; set; }

    /// <summary>The event's id (its <c>id</c> field).</summary>
    public string Id => GetString(Schema.IdField.Index) ?? string.Empty;

    /// <summary>The event time, Unix epoch milliseconds (its <c>ts</c> field).</summary>
    public long Timestamp => (long)_slots[Schema.TimeField.Index].Number;

    /// <summary>Whether the event carries a field.</summary>
    public bool Has(FieldDefinition field) => (_present & (1UL << field.Index)) != 0;

    /// <summary>Whether the event carries the field at an index.</summary>
    public bool Has(int index) => (_present & (1UL << index)) != 0;

    /// <summary>Bit i set when field i is present.</summary>
    public ulong PresentMask => _present;

    /// <summary>The numeric value of a field (0 when absent).</summary>
    public double GetNumber(int index) => _slots[index].Number;

    /// <summary>The string value of a field (null when absent).</summary>
    public string? GetString(int index) => (_unread & (1UL << index)) == 0 ? _slots[index].String : ReadString(index);

    /// <summary>The boolean value of a field (false when absent).</summary>
    public bool GetBoolean(int index) => _slots[index].Number != 0;

    /// <summary>Sets a numeric (number, integer, boolean or time) field.</summary>
    public void SetNumber(int index, double value)
    {
        _slots[index].Number = value;
        _present |= 1UL << index;
    }

    /// <summary>Sets a string field.</summary>
    public void SetString(int index, string value)
    {
        _slots[index] = new Slot { String = value };
        _present |= 1UL << index;
        _unread &= ~(1UL << index);
    }

    /// <summary>
    /// Sets a string field to UTF-8 bytes of <see cref="SourceRecord"/> (set before the event is read), made into a string when first read: most decoded
    /// events are looked at by a condition or two and dropped, and making their strings was a fifth of all-packs Arrow decoding
    /// (benchmarks/RESULTS.md round 10). The bytes must stay as they are until the event is done with (<see cref="ReadStrings"/>).
    /// </summary>
    internal void SetStringBytes(int index, int start, int length)
    {
        _slots[index] = new Slot { Number = BitConverter.Int64BitsToDouble(((long)start << 32) | (uint)length) };
        _present |= 1UL << index;
        _unread |= 1UL << index;
    }

    /// <summary>Whether some string field is still bytes of <see cref="SourceRecord"/>.</summary>
    internal bool HasUnreadStrings => _unread != 0;

    /// <summary>Makes every string still held as bytes: before the event outlives its record (kept in state, referred to by an alert).</summary>
    internal void ReadStrings()
    {
        for (var unread = _unread; unread != 0; unread &= unread - 1)
        {
            ReadString(System.Numerics.BitOperations.TrailingZeroCount(unread));
        }
    }

    /// <summary>A string field's UTF-8 bytes in <see cref="SourceRecord"/>, when its string is not made yet and the bytes are valid UTF-8 (as they then make the same string).</summary>
    internal bool TryGetStringBytes(int index, out ReadOnlySpan<byte> utf8) =>
        TryGetUnreadStringBytes(index, out utf8) && System.Text.Unicode.Utf8.IsValid(utf8);

    /// <summary>
    /// A string field's UTF-8 bytes in <see cref="SourceRecord"/> when its string is not made yet, unchecked: the caller decodes them
    /// strictly and falls back to <see cref="GetString"/> on invalid bytes (which that replaces).
    /// </summary>
    internal bool TryGetUnreadStringBytes(int index, out ReadOnlySpan<byte> utf8)
    {
        if ((_unread & (1UL << index)) == 0 || _slots[index].String is not null)
        {
            utf8 = default;
            return false;
        }

        var packed = BitConverter.DoubleToInt64Bits(_slots[index].Number);
        utf8 = SourceRecord.Span.Slice((int)(packed >> 32), (int)(uint)packed);
        return true;
    }

    private string ReadString(int index)
    {
        // The packed bytes stay in the slot's number: a reader on another thread that still sees the field unread then either finds
        // the string made or makes an equal one, never reads a half-written slot as bytes.
        if (_slots[index].String is { } made)
        {
            return made;
        }

        var packed = BitConverter.DoubleToInt64Bits(_slots[index].Number);
        var text = System.Text.Encoding.UTF8.GetString(SourceRecord.Span.Slice((int)(packed >> 32), (int)(uint)packed));
        _slots[index].String = text;
        _unread &= ~(1UL << index);
        return text;
    }

    /// <summary>Set by an operator that keeps the event in its state (as evidence, in a window, as a pending trigger).</summary>
    internal bool Retained { get; set; }

    /// <summary>Set when an alert's content refers to the event (it renders the alert later, maybe on another thread).</summary>
    internal bool Pinned { get; private set; }

    /// <summary>Marks the event as referred to by an alert, making its strings first (the alert may render after the record is gone).</summary>
    internal void Pin()
    {
        ReadStrings();
        Pinned = true;
    }

    /// <summary>Whether nothing kept the event once the rules have seen it: its decoder may then fill it again (<see cref="DecodedBatch"/>).</summary>
    internal bool Reusable => !Retained && !Pinned;

    /// <summary>Empties the event for its decoder to fill again.</summary>
    internal void Reset()
    {
        Array.Clear(_slots);
        _present = 0;
        _unread = 0;
        Origin = default;
        SourceRecord = default;
        SourceRecordIsArrow = false;
        FieldsLeftOut = false;
    }

    /// <summary>
    /// The record the event was decoded from (one JSON event, or the Arrow stream whose row <see cref="EventOrigin.Row"/> it is), kept
    /// when the decoder left fields out, so a late dead letter still has them all, or left strings as bytes (<see cref="SetStringBytes"/>);
    /// dropped (empty) once the runtime has seen the event and it has none of those, or once it is kept in state or by an alert (its
    /// strings made first), so it may point into a buffer the host reuses for the next record.
    /// </summary>
    internal ReadOnlyMemory<byte> SourceRecord { get; set; }

    /// <summary>Whether <see cref="SourceRecord"/> is an Arrow stream.</summary>
    internal bool SourceRecordIsArrow { get; set; }

    /// <summary>Whether the decoder left some field's value out (not only strings as bytes): a late dead letter then needs the record.</summary>
    internal bool FieldsLeftOut { get; set; }

    /// <summary>
    /// Drops the values of fields outside <paramref name="keep"/>: the runtime calls it, after every rule has seen the
    /// event, on events kept in state, so a window holds only what its alerts and aggregates can still read.
    /// </summary>
    internal void Strip(ulong keep)
    {
        for (var unread = _unread & keep; unread != 0; unread &= unread - 1)
        {
            ReadString(System.Numerics.BitOperations.TrailingZeroCount(unread));
        }

        _unread = 0;
        SourceRecord = default;
        var drop = _present & ~keep;
        for (var i = 0; drop != 0 && i < _slots.Length; i++)
        {
            if ((drop & (1UL << i)) != 0)
            {
                _slots[i] = default;
                drop &= ~(1UL << i);
            }
        }

        _present &= keep;
    }

    /// <summary>The value of a field boxed as its JSON value (string, long, double, bool), or null when absent. For evidence and templates, not for hot paths.</summary>
    public object? GetValue(FieldDefinition field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (!Has(field))
        {
            return null;
        }

        return field.Type switch
        {
            FieldType.String => GetString(field.Index),
            FieldType.Boolean => _slots[field.Index].Number != 0,
            FieldType.Integer or FieldType.Timestamp => (long)_slots[field.Index].Number,
            _ => _slots[field.Index].Number,
        };
    }

    /// <summary>The value of a field as text, for templates and keys ("" when absent).</summary>
    public string Format(FieldDefinition field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return GetValue(field) switch
        {
            null => string.Empty,
            string s => s,
            bool b => b ? "true" : "false",
            long l => l.ToString(CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            var o => o.ToString() ?? string.Empty,
        };
    }

    /// <inheritdoc />
    public override string ToString() => $"{Schema.Name} {Id} @{Timestamp}";

    private struct Slot
    {
        public double Number;
        public string? String;
    }
}
