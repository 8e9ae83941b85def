using System.Buffers.Binary;

namespace CityStream.Engine.Internal.Codec;

/// <summary>
/// A FlatBuffers table inside an Arrow IPC message's metadata, read in place: just the lookups the IPC reader needs (scalars,
/// strings, sub-tables and vectors by field id). Every position is checked against the buffer, so corrupt metadata throws
/// <see cref="InvalidDataException"/> instead of reading outside it.
/// </summary>
internal readonly ref struct FlatTable
{
    private readonly ReadOnlySpan<byte> _buffer;
    private readonly int _position;
    private readonly int _vtable;
    private readonly int _vtableLength;

    private FlatTable(ReadOnlySpan<byte> buffer, int position)
    {
        _buffer = buffer;
        _position = position;
        _vtable = checked(position - ReadInt32At(buffer, position));
        _vtableLength = ReadUInt16At(buffer, _vtable);
    }

    /// <summary>The root table of a FlatBuffers buffer.</summary>
    public static FlatTable Root(ReadOnlySpan<byte> buffer) => new(buffer, UOffset(buffer, 0));

    public bool Has(int field) => FieldOffset(field) != 0;

    public byte Byte(int field, byte fallback = 0) => FieldOffset(field) is var at and not 0 ? At(_position + at, 1)[0] : fallback;

    public short Int16(int field, short fallback = 0) =>
        FieldOffset(field) is var at and not 0 ? BinaryPrimitives.ReadInt16LittleEndian(At(_position + at, 2)) : fallback;

    public int Int32(int field, int fallback = 0) =>
        FieldOffset(field) is var at and not 0 ? BinaryPrimitives.ReadInt32LittleEndian(At(_position + at, 4)) : fallback;

    public long Int64(int field, long fallback = 0) =>
        FieldOffset(field) is var at and not 0 ? BinaryPrimitives.ReadInt64LittleEndian(At(_position + at, 8)) : fallback;

    /// <summary>The sub-table at a field, or false when the field is absent.</summary>
    public bool TryTable(int field, out FlatTable table)
    {
        var at = FieldOffset(field);
        table = at == 0 ? default : new FlatTable(_buffer, Follow(_position + at));
        return at != 0;
    }

    /// <summary>The UTF-8 bytes of a string field (empty when absent).</summary>
    public ReadOnlySpan<byte> String(int field)
    {
        var at = FieldOffset(field);
        if (at == 0)
        {
            return [];
        }

        var start = Follow(_position + at);
        return At(start + 4, ReadInt32At(_buffer, start));
    }

    /// <summary>Element count and first element's position of a vector field (0 and -1 when absent).</summary>
    public int Vector(int field, out int first)
    {
        var at = FieldOffset(field);
        if (at == 0)
        {
            first = -1;
            return 0;
        }

        var start = Follow(_position + at);
        var count = ReadInt32At(_buffer, start);
        if (count < 0)
        {
            throw new InvalidDataException("negative FlatBuffers vector length");
        }

        first = start + 4;
        return count;
    }

    /// <summary>The table that element <paramref name="index"/> of a vector of tables points to.</summary>
    public FlatTable TableAt(int first, int index) => new(_buffer, Follow(first + (4 * index)));

    /// <summary>The bytes of element <paramref name="index"/> of a vector of structs of <paramref name="size"/> bytes.</summary>
    public ReadOnlySpan<byte> StructAt(int first, int index, int size) => At(first + (size * index), size);

    private int FieldOffset(int field)
    {
        var slot = 4 + (2 * field);
        return slot + 2 <= _vtableLength ? ReadUInt16At(_buffer, _vtable + slot) : 0;
    }

    private int Follow(int position) => checked(position + UOffset(_buffer, position));

    private ReadOnlySpan<byte> At(int position, int length) =>
        position >= 0 && length >= 0 && position <= _buffer.Length - length
            ? _buffer.Slice(position, length)
            : throw new InvalidDataException("Arrow IPC metadata points outside its message");

    private static int UOffset(ReadOnlySpan<byte> buffer, int position)
    {
        var value = ReadInt32At(buffer, position);
        return value >= 0 ? value : throw new InvalidDataException("negative FlatBuffers offset");
    }

    private static int ReadInt32At(ReadOnlySpan<byte> buffer, int position) =>
        position >= 0 && position <= buffer.Length - 4
            ? BinaryPrimitives.ReadInt32LittleEndian(buffer[position..])
            : throw new InvalidDataException("Arrow IPC metadata points outside its message");

    private static int ReadUInt16At(ReadOnlySpan<byte> buffer, int position) =>
        position >= 0 && position <= buffer.Length - 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(buffer[position..])
            : throw new InvalidDataException("Arrow IPC metadata points outside its message");
}
