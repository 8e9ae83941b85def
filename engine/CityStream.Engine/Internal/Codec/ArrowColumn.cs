using System.Runtime.InteropServices;
using Apache.Arrow;

namespace CityStream.Engine.Internal.Codec;

/// <summary>The Arrow types a source column can arrive as.</summary>
internal enum ArrowColumnKind
{
    Utf8,
    Boolean,
    Int64,
    Int32,
    Double,
    Float,
}

/// <summary>
/// One column of a record batch as its buffers (validity bitmap, 32-bit offsets for UTF-8, values), whether it came from the IPC
/// reader of <see cref="ArrowIpcReader"/> or from an Apache.Arrow array: the rows are decoded from these spans either way.
/// </summary>
internal readonly struct ArrowColumn(ArrowColumnKind kind, ReadOnlyMemory<byte> validity, ReadOnlyMemory<byte> offsets, ReadOnlyMemory<byte> values, int nullCount, int offset)
{
    public ArrowColumnKind Kind { get; } = kind;

    public ReadOnlyMemory<byte> Validity { get; } = validity;

    public ReadOnlyMemory<byte> Offsets { get; } = offsets;

    public ReadOnlyMemory<byte> Values { get; } = values;

    public int NullCount { get; } = nullCount;

    /// <summary>Row 0's index into the buffers (non-zero only for a sliced Apache.Arrow array).</summary>
    public int Offset { get; } = offset;

    /// <summary>The column of an Apache.Arrow array of a supported type, or null.</summary>
    public static ArrowColumn? From(IArrowArray array)
    {
        var data = array.Data;
        var kind = array switch
        {
            StringArray => ArrowColumnKind.Utf8,
            BooleanArray => ArrowColumnKind.Boolean,
            Int64Array or TimestampArray => ArrowColumnKind.Int64,
            Int32Array => ArrowColumnKind.Int32,
            DoubleArray => ArrowColumnKind.Double,
            FloatArray => ArrowColumnKind.Float,
            _ => (ArrowColumnKind?)null,
        };
        if (kind is not { } known)
        {
            return null;
        }

        return known == ArrowColumnKind.Utf8
            ? new ArrowColumn(known, data.Buffers[0].Memory, data.Buffers[1].Memory, data.Buffers[2].Memory, array.NullCount, data.Offset)
            : new ArrowColumn(known, data.Buffers[0].Memory, default, data.Buffers[1].Memory, array.NullCount, data.Offset);
    }

    public bool IsNull(ReadOnlySpan<byte> validity, int row)
    {
        if (NullCount == 0 || validity.IsEmpty)
        {
            return false;
        }

        var bit = Offset + row;
        return (validity[bit >> 3] & (1 << (bit & 7))) == 0;
    }

    public ReadOnlySpan<T> ValuesAs<T>()
        where T : struct => MemoryMarshal.Cast<byte, T>(Values.Span);
}
