namespace CityStream.Engine.Internal.Codec;

/// <summary>
/// What reading one Arrow record needs only while it is read — its batches' column maps, the rows' events and errors, the stream's
/// field mapping — kept by a <see cref="DecodedBatch"/> for the next record instead of allocated per record. Measured on the shipped
/// packs over a simulated city in Arrow (GPS and utility batches of tens of rows): these were ~120 of 572 bytes allocated per event,
/// and the stream's field names, made into strings to look the fields up, a good part of the rest. One reader at a time.
/// </summary>
internal sealed class ArrowScratch
{
    private readonly List<ArrowColumn?[]> _columns = [];
    private CityEvent[] _events = [];
    private int _eventsUsed;
    private string?[] _errors = [];
    private ulong[] _present = [];
    // Per source, the last schema message and its mapping: a host reads several sources' records interleaved.
    private readonly List<(SourceSchema Source, byte[] Message, (int Index, ArrowColumnKind Kind)[] Fields)> _fieldMaps = [];

    /// <summary>The record's batches: rows and columns by the source's field index.</summary>
    public List<(int Length, ArrowColumn?[] Columns)> Batches { get; } = [];

    /// <summary>An empty column map for the record's batch number <paramref name="slot"/>.</summary>
    public ArrowColumn?[] ColumnsFor(int slot, int fieldCount)
    {
        while (_columns.Count <= slot)
        {
            _columns.Add(new ArrowColumn?[fieldCount]);
        }

        var columns = _columns[slot];
        if (columns.Length != fieldCount)
        {
            _columns[slot] = columns = new ArrowColumn?[fieldCount];
        }
        else
        {
            Array.Clear(columns);
        }

        return columns;
    }

    /// <summary>The field mapping read last for the source, when from the same schema message; else null.</summary>
    public (int Index, ArrowColumnKind Kind)[]? FieldsFor(SourceSchema schema, ReadOnlySpan<byte> schemaMessage)
    {
        foreach (var (source, message, fields) in _fieldMaps)
        {
            if (ReferenceEquals(source, schema))
            {
                return schemaMessage.SequenceEqual(message) ? fields : null;
            }
        }

        return null;
    }

    /// <summary>Remembers the field mapping of a source's schema message.</summary>
    public void RememberFields(SourceSchema schema, ReadOnlySpan<byte> schemaMessage, (int Index, ArrowColumnKind Kind)[] fields)
    {
        var entry = (schema, schemaMessage.ToArray(), fields);
        for (var i = 0; i < _fieldMaps.Count; i++)
        {
            if (ReferenceEquals(_fieldMaps[i].Source, schema))
            {
                _fieldMaps[i] = entry;
                return;
            }
        }

        _fieldMaps.Add(entry);
    }

    /// <summary>Room for a batch's events (filled by the caller).</summary>
    public Span<CityEvent> Events(int length)
    {
        if (_events.Length < length)
        {
            _events = new CityEvent[length];
        }

        _eventsUsed = Math.Max(_eventsUsed, length);
        return _events.AsSpan(0, length);
    }

    /// <summary>No error yet for any of <paramref name="length"/> rows.</summary>
    public Span<string?> Errors(int length)
    {
        if (_errors.Length < length)
        {
            _errors = new string?[length];
        }

        var errors = _errors.AsSpan(0, length);
        errors.Clear();
        return errors;
    }

    /// <summary>No field marked present for any of <paramref name="length"/> rows.</summary>
    public Span<ulong> Present(int length)
    {
        if (_present.Length < length)
        {
            _present = new ulong[length];
        }

        var present = _present.AsSpan(0, length);
        present.Clear();
        return present;
    }

    /// <summary>Lets go of the record: its buffers (the columns point into it) and its events.</summary>
    public void Release()
    {
        foreach (var columns in _columns)
        {
            Array.Clear(columns);
        }

        Batches.Clear();
        _events.AsSpan(0, _eventsUsed).Clear();
        _eventsUsed = 0;
    }
}
