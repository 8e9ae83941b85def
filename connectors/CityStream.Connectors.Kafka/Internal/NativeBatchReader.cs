using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// Reads a Confluent.Kafka consumer's records in batches straight from librdkafka (<c>rd_kafka_consume_batch_queue</c> on the
/// consumer-group queue), one native message pointer each, with no .NET object made per record.
/// </summary>
/// <remarks>
/// <para>
/// Why by hand: the client's <c>Consume</c> makes, per record, a boxed copy of the native message, a <c>ConsumeResult</c>, a
/// <c>Message</c>, a <c>Headers</c> and its list, and a copy of the value — about 450 bytes, which with the garbage collection it costs
/// was the largest single cost of the host on one-event JSON records (benchmarks/RESULTS.md, round 8). The client has no batch API and
/// no way to read a record's value in place, and no other .NET Kafka client is served here.
/// </para>
/// <para>
/// The consumer stays the client's: it is configured, subscribed, rebalanced (librdkafka serves the group's callbacks from the same
/// batch call, so the client's partitions-assigned/revoked/lost handlers run on this thread as they did from <c>Consume</c>),
/// committed and closed through Confluent.Kafka. This type only borrows its librdkafka handle (an internal property of the client,
/// read once by reflection) and calls the few exported C functions below through the very library the client loaded.
/// </para>
/// </remarks>
internal sealed unsafe class NativeBatchReader : IDisposable
{
    private const int ErrorFatal = -150;

    private readonly SafeHandle _clientHandle;
    private readonly nint _library;
    private readonly nint _queue;
    private readonly delegate* unmanaged[Cdecl]<nint, int, nint*, nuint, nint> _consumeBatch;
    private readonly delegate* unmanaged[Cdecl]<nint, void> _messageDestroy;
    private readonly delegate* unmanaged[Cdecl]<nint, void> _queueDestroy;
    private readonly delegate* unmanaged[Cdecl]<nint, byte*> _topicName;
    private readonly delegate* unmanaged[Cdecl]<nint, int*, long> _messageTimestamp;
    private readonly delegate* unmanaged[Cdecl]<nint, nint*, int> _messageHeaders;
    private readonly delegate* unmanaged[Cdecl]<nint, byte*, nint*, nuint*, int> _headerGetLast;
    private readonly delegate* unmanaged[Cdecl]<int, byte*> _errorText;
    private readonly byte[] _contentTypeName;
    private bool _disposed;

    private NativeBatchReader(SafeHandle clientHandle, nint library, nint handle)
    {
        _clientHandle = clientHandle;
        _library = library;
        _consumeBatch = (delegate* unmanaged[Cdecl]<nint, int, nint*, nuint, nint>)Export("rd_kafka_consume_batch_queue");
        _messageDestroy = (delegate* unmanaged[Cdecl]<nint, void>)Export("rd_kafka_message_destroy");
        _queueDestroy = (delegate* unmanaged[Cdecl]<nint, void>)Export("rd_kafka_queue_destroy");
        _topicName = (delegate* unmanaged[Cdecl]<nint, byte*>)Export("rd_kafka_topic_name");
        _messageTimestamp = (delegate* unmanaged[Cdecl]<nint, int*, long>)Export("rd_kafka_message_timestamp");
        _messageHeaders = (delegate* unmanaged[Cdecl]<nint, nint*, int>)Export("rd_kafka_message_headers");
        _headerGetLast = (delegate* unmanaged[Cdecl]<nint, byte*, nint*, nuint*, int>)Export("rd_kafka_header_get_last");
        _errorText = (delegate* unmanaged[Cdecl]<int, byte*>)Export("rd_kafka_err2str");
        var getConsumerQueue = (delegate* unmanaged[Cdecl]<nint, nint>)Export("rd_kafka_queue_get_consumer");
        _contentTypeName = [.. System.Text.Encoding.UTF8.GetBytes(Engine.ContentTypes.HeaderName), 0];
        _queue = getConsumerQueue(handle);
        if (_queue == 0)
        {
            throw new InvalidOperationException("librdkafka gave no consumer-group queue (the consumer has no group.id)");
        }
    }

    /// <summary>
    /// A reader of <paramref name="consumer"/>'s records, or null (with <paramref name="whyNot"/>) when this build of the client does
    /// not let its librdkafka handle or library be found; the host then reads through the client's <c>Consume</c>.
    /// </summary>
    public static NativeBatchReader? TryOpen<TKey, TValue>(IConsumer<TKey, TValue> consumer, out string whyNot)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        if (!LibrdkafkaLibrary.TryLoad(out var library, out whyNot))
        {
            return null;
        }

        var property = typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic);
        if (property?.GetValue(consumer.Handle) is not SafeHandle clientHandle)
        {
            whyNot = $"Confluent.Kafka {typeof(Handle).Assembly.GetName().Version} has no Handle.LibrdkafkaHandle";
            NativeLibrary.Free(library);
            return null;
        }

        var added = false;
        try
        {
            clientHandle.DangerousAddRef(ref added);
            var reader = new NativeBatchReader(clientHandle, library, clientHandle.DangerousGetHandle());
            whyNot = string.Empty;
            return reader;
        }
        catch (Exception ex) when (ex is InvalidOperationException or EntryPointNotFoundException or ObjectDisposedException)
        {
            if (added)
            {
                clientHandle.DangerousRelease();
            }

            NativeLibrary.Free(library);
            whyNot = ex.Message;
            return null;
        }
    }

    /// <summary>
    /// Fills <paramref name="messages"/> with up to its length of native message pointers, waiting up to <paramref name="timeoutMs"/>
    /// for the first; serves the group's callbacks meanwhile. Every pointer returned must be given to <see cref="Destroy"/>.
    /// </summary>
    public int ConsumeBatch(int timeoutMs, Span<nint> messages)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        fixed (nint* first = messages)
        {
            var count = _consumeBatch(_queue, timeoutMs, first, (nuint)messages.Length);
            if (count < 0)
            {
                throw new KafkaException(ErrorCode.Local_Fail);
            }

            return (int)count;
        }
    }

    /// <summary>Frees a native message (its payload, key and headers with it).</summary>
    public void Destroy(nint message) => _messageDestroy(message);

    /// <summary>The message's fields, read in place.</summary>
    public static ref readonly NativeMessage Fields(nint message) => ref *(NativeMessage*)message;

    /// <summary>The record value in native memory; valid until the message is destroyed.</summary>
    public static ReadOnlySpan<byte> Value(in NativeMessage message) =>
        message.Payload == 0 ? [] : new ReadOnlySpan<byte>((void*)message.Payload, checked((int)message.Length));

    /// <summary>The message's topic name as UTF-8 bytes, in native memory owned by librdkafka's topic object.</summary>
    public ReadOnlySpan<byte> TopicName(in NativeMessage message) =>
        message.Topic == 0 ? [] : MemoryMarshal.CreateReadOnlySpanFromNullTerminated(_topicName(message.Topic));

    /// <summary>The message's timestamp in Unix milliseconds (create or log-append time), or -1 when it has none.</summary>
    public long Timestamp(nint message)
    {
        int type;
        return _messageTimestamp(message, &type);
    }

    /// <summary>The value of the message's last <c>content-type</c> header, or false when it has none.</summary>
    public bool TryContentType(nint message, out ReadOnlySpan<byte> value)
    {
        value = default;
        nint headers;
        if (_messageHeaders(message, &headers) != 0 || headers == 0)
        {
            return false;
        }

        nint data;
        nuint size;
        fixed (byte* name = _contentTypeName)
        {
            if (_headerGetLast(headers, name, &data, &size) != 0)
            {
                return false;
            }
        }

        // A header without a value reads as none, as the client reads it (JSON).
        if (data == 0)
        {
            return false;
        }

        value = new ReadOnlySpan<byte>((void*)data, checked((int)size));
        return true;
    }

    /// <summary>An error message's error: its code, whether librdkafka calls it fatal, and its text.</summary>
    public Error ErrorOf(in NativeMessage message)
    {
        var code = (ErrorCode)message.Err;
        var text = message.Payload != 0 && message.Length > 0
            ? System.Text.Encoding.UTF8.GetString((byte*)message.Payload, checked((int)message.Length))
            : Marshal.PtrToStringUTF8((nint)_errorText(message.Err)) ?? code.ToString();
        return new Error(code, text, message.Err == ErrorFatal);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _queueDestroy(_queue);
        _clientHandle.DangerousRelease();
        NativeLibrary.Free(_library);
    }

    private nint Export(string name) => NativeLibrary.GetExport(_library, name);
}

/// <summary>librdkafka's <c>rd_kafka_message_t</c>, as laid out in <c>rdkafka.h</c> (stable across librdkafka versions).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct NativeMessage
{
    public readonly int Err;
    public readonly nint Topic;
    public readonly int Partition;
    public readonly nint Payload;
    public readonly nuint Length;
    public readonly nint Key;
    public readonly nuint KeyLength;
    public readonly long Offset;
    public readonly nint Private;
}
