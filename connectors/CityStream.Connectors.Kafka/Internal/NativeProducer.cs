using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// A librdkafka producer driven through its C API: messages are copied into librdkafka straight from spans, and a batch of them is
/// acknowledged through one <see cref="DeliveryBatch"/> whose handle is every message's opaque value.
/// </summary>
/// <remarks>
/// <para>
/// Why by hand: the client's <c>Produce</c> needs a <c>Message</c> and an exact <c>byte[]</c> value per message, pins a GC handle and a
/// handler shim for each, and its delivery callback makes a boxed copy of the native message, two <c>DeliveryReport</c>s, two
/// <c>Message</c>s, an <c>Error</c> and a <c>TopicPartitionOffsetError</c> per message: with the alert's own JSON array, about 1.4 KB of
/// garbage per alert. The peers' rule writes an alert per six events, and in the host's profile (benchmarks/RESULTS.md, round 11) the
/// alert write was the largest cost after the rules, with the collections it caused. The client has no span or batch produce API.
/// </para>
/// <para>
/// It is configured from the same <see cref="ProducerConfig"/> as the client's producers (idempotent, acks=all, murmur2_random,
/// lz4), on the librdkafka the client loaded. A thread of its own serves delivery reports (<c>rd_kafka_poll</c>).
/// </para>
/// </remarks>
internal sealed unsafe class NativeProducer : IDisposable
{
    private const int ProducerType = 0;
    private const int ConfOk = 0;
    private const int QueueFull = -184;
    private const int MessageFlagCopy = 0x2;
    private const int PartitionUnassigned = -1;
    private const int VTypeTopicHandle = 2;
    private const int VTypePartition = 3;
    private const int VTypeValue = 4;
    private const int VTypeKey = 5;
    private const int VTypeOpaque = 6;
    private const int VTypeFlags = 7;
    private const int VTypeHeaders = 10;
    private const int PurgeQueuedAndInFlight = 0x1 | 0x2;

    private readonly nint _library;
    private readonly nint _handle;
    private readonly delegate* unmanaged[Cdecl]<nint, VarArg*, nuint, nint> _produce;
    private readonly delegate* unmanaged[Cdecl]<nint, int> _errorCode;
    private readonly delegate* unmanaged[Cdecl]<nint, byte*> _errorString;
    private readonly delegate* unmanaged[Cdecl]<nint, void> _errorDestroy;
    private readonly delegate* unmanaged[Cdecl]<nint, int, int> _poll;
    private readonly delegate* unmanaged[Cdecl]<nint, int, int> _flush;
    private readonly delegate* unmanaged[Cdecl]<nint, byte*, nint, nint> _topicNew;
    private readonly delegate* unmanaged[Cdecl]<nint, void> _topicDestroy;
    private readonly delegate* unmanaged[Cdecl]<nint, void> _destroy;
    private readonly delegate* unmanaged[Cdecl]<nuint, nint> _headersNew;
    private readonly delegate* unmanaged[Cdecl]<nint, byte*, nint, byte*, nint, int> _headerAdd;
    private readonly delegate* unmanaged[Cdecl]<nint, void> _headersDestroy;
    private readonly delegate* unmanaged[Cdecl]<nint, int, int> _purge;
    private readonly Dictionary<string, nint> _topics = new(StringComparer.Ordinal);
    private readonly Lock _topicsLock = new();
    private readonly Thread _poller;
    private volatile bool _stopping;
    private volatile bool _disposed;

    // Produce calls under way: Dispose waits for them before it destroys the handle they use.
    private int _producing;

    private NativeProducer(nint library, IEnumerable<KeyValuePair<string, string>> config)
    {
        _library = library;
        _produce = (delegate* unmanaged[Cdecl]<nint, VarArg*, nuint, nint>)Export("rd_kafka_produceva");
        _errorCode = (delegate* unmanaged[Cdecl]<nint, int>)Export("rd_kafka_error_code");
        _errorString = (delegate* unmanaged[Cdecl]<nint, byte*>)Export("rd_kafka_error_string");
        _errorDestroy = (delegate* unmanaged[Cdecl]<nint, void>)Export("rd_kafka_error_destroy");
        _poll = (delegate* unmanaged[Cdecl]<nint, int, int>)Export("rd_kafka_poll");
        _flush = (delegate* unmanaged[Cdecl]<nint, int, int>)Export("rd_kafka_flush");
        _topicNew = (delegate* unmanaged[Cdecl]<nint, byte*, nint, nint>)Export("rd_kafka_topic_new");
        _topicDestroy = (delegate* unmanaged[Cdecl]<nint, void>)Export("rd_kafka_topic_destroy");
        _destroy = (delegate* unmanaged[Cdecl]<nint, void>)Export("rd_kafka_destroy");
        _headersNew = (delegate* unmanaged[Cdecl]<nuint, nint>)Export("rd_kafka_headers_new");
        _headerAdd = (delegate* unmanaged[Cdecl]<nint, byte*, nint, byte*, nint, int>)Export("rd_kafka_header_add");
        _headersDestroy = (delegate* unmanaged[Cdecl]<nint, void>)Export("rd_kafka_headers_destroy");
        _purge = (delegate* unmanaged[Cdecl]<nint, int, int>)Export("rd_kafka_purge");
        _handle = Create(config);
        _poller = new Thread(ServeDeliveryReports) { IsBackground = true, Name = "citystream-warnings-poll" };
        _poller.Start();
    }

    /// <summary>
    /// A producer configured by <paramref name="config"/> (the client-only <c>dotnet.*</c> keys are left out), or null with
    /// <paramref name="whyNot"/> when the client's librdkafka cannot be found; the caller then produces through the client.
    /// </summary>
    public static NativeProducer? TryCreate(ProducerConfig config, out string whyNot)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!LibrdkafkaLibrary.TryLoad(out var library, out whyNot))
        {
            return null;
        }

        try
        {
            return new NativeProducer(library, config);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or ArgumentException or KafkaException)
        {
            NativeLibrary.Free(library);
            whyNot = ex.Message;
            return null;
        }
    }

    /// <summary>
    /// Copies one message into librdkafka's queue, to be acknowledged through <paramref name="batch"/>; waits while the queue is full.
    /// Throws <see cref="KafkaException"/> when librdkafka refuses the message (it is then not counted in the batch).
    /// </summary>
    public void Produce(DeliveryBatch batch, nint topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> headerName, ReadOnlySpan<byte> headerValue, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _producing);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            batch.AddOne();
            while (!TryProduce(batch, topic, key, value, headerName, headerValue))
            {
                if (cancellationToken.IsCancellationRequested || _disposed)
                {
                    batch.DropOne();
                    cancellationToken.ThrowIfCancellationRequested();
                    ObjectDisposedException.ThrowIf(_disposed, this);
                }

                // The queue (queue.buffering.max.messages/kbytes) is full: the poll thread's deliveries make room.
                Thread.Sleep(1);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _producing);
        }
    }

    /// <summary>One <c>rd_kafka_produceva</c> call: true when queued, false when the queue is full; throws (the message dropped from the batch) otherwise.</summary>
    private bool TryProduce(DeliveryBatch batch, nint topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> headerName, ReadOnlySpan<byte> headerValue)
    {
        // A header list of our own (RD_KAFKA_VTYPE_HEADERS), not RD_KAFKA_VTYPE_HEADER: when the partitioner refuses a message (an
        // unknown topic, say), librdkafka frees a list it made twice (librdkafka issue #4627), but leaves one given to it to the
        // caller, as Confluent.Kafka's own produce does.
        var headers = _headersNew(1);
        var args = stackalloc VarArg[7];
        fixed (byte* keyBytes = key)
        fixed (byte* valueBytes = value)
        fixed (byte* name = headerName)
        fixed (byte* headerBytes = headerValue)
        {
            if (_headerAdd(headers, name, -1, headerBytes, headerValue.Length) != 0)
            {
                _headersDestroy(headers);
                batch.DropOne();
                throw new KafkaException(new Error(ErrorCode.Local_InvalidArg, "librdkafka refused the content-type header"));
            }

            args[0] = VarArg.Of(VTypeTopicHandle, topic);
            args[1] = VarArg.Of(VTypePartition, PartitionUnassigned);
            args[2] = VarArg.Of(VTypeFlags, MessageFlagCopy);
            args[3] = VarArg.Of(VTypeKey, (nint)keyBytes, key.Length);
            args[4] = VarArg.Of(VTypeValue, (nint)valueBytes, value.Length);
            args[5] = VarArg.Of(VTypeHeaders, headers);
            args[6] = VarArg.Of(VTypeOpaque, batch.Opaque);
            var error = _produce(_handle, args, 7);
            if (error == 0)
            {
                // Queued: the header list is the message's now.
                return true;
            }

            _headersDestroy(headers);
            var code = _errorCode(error);
            // A full queue is retried, and no message made for it.
            var text = code == QueueFull ? null : Marshal.PtrToStringUTF8((nint)_errorString(error)) ?? ((ErrorCode)code).ToString();
            _errorDestroy(error);
            if (text is null)
            {
                return false;
            }

            batch.DropOne();
            throw new KafkaException(new Error((ErrorCode)code, text));
        }
    }

    /// <summary>librdkafka's handle of <paramref name="topic"/>, made once and kept until the producer is disposed.</summary>
    public nint Topic(string topic)
    {
        lock (_topicsLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_topics.TryGetValue(topic, out var handle))
            {
                return handle;
            }

            var bytes = NullTerminated(topic);
            fixed (byte* name = bytes)
            {
                handle = _topicNew(_handle, name, 0);
            }

            if (handle == 0)
            {
                throw new KafkaException(new Error(ErrorCode.Local_Fail, $"librdkafka made no handle for topic '{topic}'"));
            }

            _topics.Add(topic, handle);
            return handle;
        }
    }

    /// <summary>
    /// Waits up to <paramref name="flushTimeout"/> for queued messages, fails what is left (their batches fault with a purge error
    /// rather than never completing), then destroys the producer once no <see cref="Produce"/> call is under way.
    /// </summary>
    public void Dispose(TimeSpan flushTimeout)
    {
        lock (_topicsLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref _producing) != 0 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(1);
        }

        _flush(_handle, (int)flushTimeout.TotalMilliseconds);
        // rd_kafka_destroy drops undelivered messages without their delivery reports: purge them first, and serve the reports.
        _purge(_handle, PurgeQueuedAndInFlight);
        _flush(_handle, 5_000);
        _stopping = true;
        _poller.Join();
        foreach (var topic in _topics.Values)
        {
            _topicDestroy(topic);
        }

        _destroy(_handle);
        NativeLibrary.Free(_library);
    }

    public void Dispose() => Dispose(TimeSpan.Zero);

    internal static byte[] NullTerminated(string text)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(text) + 1];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    // librdkafka calls this on the thread that polls (ServeDeliveryReports, or a flush): it must not throw into native code.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnDelivered(nint producer, NativeMessage* message, nint opaque)
    {
        try
        {
            if (message->Private != 0 && GCHandle.FromIntPtr(message->Private).Target is DeliveryBatch batch)
            {
                batch.Delivered(message->Err);
            }
        }
#pragma warning disable CA1031 // Nothing may escape into librdkafka; a batch that never completes fails its writer's wait instead.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private nint Create(IEnumerable<KeyValuePair<string, string>> config)
    {
        var confNew = (delegate* unmanaged[Cdecl]<nint>)Export("rd_kafka_conf_new");
        var confSet = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, byte*, nuint, int>)Export("rd_kafka_conf_set");
        var confDestroy = (delegate* unmanaged[Cdecl]<nint, void>)Export("rd_kafka_conf_destroy");
        var setDelivery = (delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<nint, NativeMessage*, nint, void>, void>)Export("rd_kafka_conf_set_dr_msg_cb");
        var create = (delegate* unmanaged[Cdecl]<int, nint, byte*, nuint, nint>)Export("rd_kafka_new");
        var conf = confNew();
        var errors = stackalloc byte[512];
        foreach (var (name, value) in config)
        {
            if (name.StartsWith("dotnet.", StringComparison.Ordinal) || value is null)
            {
                continue;
            }

            fixed (byte* n = NullTerminated(name))
            fixed (byte* v = NullTerminated(value))
            {
                if (confSet(conf, n, v, errors, 512) != ConfOk)
                {
                    confDestroy(conf);
                    throw new ArgumentException($"librdkafka refused the producer setting {name}={value}: {Marshal.PtrToStringUTF8((nint)errors)}", nameof(config));
                }
            }
        }

        setDelivery(conf, &OnDelivered);
        var handle = create(ProducerType, conf, errors, 512);
        if (handle == 0)
        {
            confDestroy(conf);
            throw new KafkaException(new Error(ErrorCode.Local_Fail, "librdkafka made no producer: " + Marshal.PtrToStringUTF8((nint)errors)));
        }

        return handle;
    }

    private void ServeDeliveryReports()
    {
        while (!_stopping)
        {
            _poll(_handle, 100);
        }
    }

    private nint Export(string name) => NativeLibrary.GetExport(_library, name);

    /// <summary>librdkafka's <c>rd_kafka_vu_t</c>: a type tag and a union of up to three words (72 bytes, as in <c>rdkafka.h</c>).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 72)]
    private struct VarArg
    {
        [FieldOffset(0)]
        private int _type;

        [FieldOffset(8)]
        private nint _first;

        [FieldOffset(16)]
        private nint _second;

        [FieldOffset(24)]
        private nint _third;

        public static VarArg Of(int type, nint first, nint second = 0, nint third = 0) =>
            new() { _type = type, _first = first, _second = second, _third = third };
    }
}
