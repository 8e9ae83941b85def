using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// One reused buffer and JSON writer per thread for checkpoint values: a checkpoint writes every key a batch changed, so a stream and
/// a writer per key (and one per evidence event) were most of its cost. Text is written unescaped (UTF-8), as events are on the wire.
/// </summary>
internal static class CheckpointWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>A writer over an empty buffer; write one value, then call <see cref="Finish"/>.</summary>
    public static Utf8JsonWriter Start()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, Options);
        writer.Reset(buffer);
        return writer;
    }

    /// <summary>The bytes written since <see cref="Start"/>.</summary>
    public static byte[] Finish(Utf8JsonWriter writer)
    {
        writer.Flush();
        return t_buffer!.WrittenSpan.ToArray();
    }
}
