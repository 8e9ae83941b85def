using Confluent.Kafka;

namespace CityStream.Connectors.Kafka.Internal;

/// <content>Polling: records taken from the consumer (in batches straight from librdkafka, or through the client) into the tasks.</content>
internal sealed partial class BatchedConsumerLoop
{
    /// <summary>Gathers what the consumer holds into the tasks' inboxes, waiting up to the poll timeout for the first record.</summary>
    private bool Poll()
    {
        var count = _reader is null ? PollClient() : PollNative(_reader);
        if (count == 0)
        {
            return false;
        }

        Interlocked.Add(ref _recordsPolled, count);
        return true;
    }

    /// <summary>Gathers records through <see cref="NativeBatchReader"/>: no object per record.</summary>
    private int PollNative(NativeBatchReader reader)
    {
        var count = 0;
        long bytes = 0;
        var timeoutMs = (int)PollTimeout.TotalMilliseconds;
        while (count < MaxPollRecords && bytes < MaxPollBytes)
        {
            // librdkafka's batch call waits until the batch is full or the time is up, not for the first record: the waiting call
            // asks for one record (measured: 50,000 events/s with a full batch per wait put p50 event-to-alert latency at 37 ms, not
            // 12), the calls after it take what is there. And no more than fit the poll's byte budget at the largest value seen:
            // Arrow records are ~200 KB each.
            var room = timeoutMs > 0 ? 1 : (int)Math.Clamp((MaxPollBytes - bytes) / _largestValue, 1, Math.Min(NativeBatchSize, MaxPollRecords - count));
            var taken = reader.ConsumeBatch(timeoutMs, _messages.AsSpan(0, room));
            try
            {
                // A failed rebalance handler fails the host, but only after the records the call took are freed: librdkafka's
                // destroy waits for every message still held.
                ThrowIfHandlerFailed();
                for (var next = 0; next < taken; next++)
                {
                    var message = _messages[next];
                    ref readonly var fields = ref NativeBatchReader.Fields(message);
                    if (fields.Err != 0)
                    {
                        var error = reader.ErrorOf(fields);
                        if (error.IsFatal)
                        {
                            throw new KafkaException(error);
                        }

                        HostLog.ConsumerError(HostLog.Logger, _settings.ApplicationId, error.Reason);
                        continue;
                    }

                    // A batch call that served a revocation returns the records it took before it: their tasks are gone, committed up
                    // to what they ran, and whoever holds the partitions now reads these records again from there. (An assignment in
                    // the same call is followed by librdkafka's barrier, which purges such records from the batch itself.)
                    if (TryTaskOf(fields.Partition) is not { } task)
                    {
                        Interlocked.Increment(ref _recordsLeftForNextOwner);
                        continue;
                    }

                    var value = NativeBatchReader.Value(fields);
                    var topic = _onlyTopic ?? TopicName(reader.TopicName(fields));
                    var timestamp = _onlyTopic is null ? reader.Timestamp(message) : 0;
                    var contentType = reader.TryContentType(message, out var header) ? ContentTypeHeader.Read(header) : null;
                    task.Add(topic, fields.Offset, timestamp, contentType, value);
                    _largestValue = Math.Max(_largestValue, value.Length);
                    bytes += value.Length;
                    count++;
                }
            }
            finally
            {
                for (var i = 0; i < taken; i++)
                {
                    reader.Destroy(_messages[i]);
                }
            }

            if (taken == 0)
            {
                break;
            }

            timeoutMs = 0;
        }

        return count;
    }

    /// <summary>Gathers records through the client's <c>Consume</c>, one at a time (when the native reader is not available).</summary>
    private int PollClient()
    {
        var result = TryConsume(PollTimeout);
        var count = 0;
        long bytes = 0;
        while (result is not null)
        {
            var value = result.Message.Value ?? [];
            var timestamp = _onlyTopic is null ? result.Message.Timestamp.UnixTimestampMs : 0;
            TaskOf(result.Partition.Value).Add(_onlyTopic ?? result.Topic, result.Offset.Value, timestamp, ContentTypeHeader.Read(result.Message.Headers), value);
            count++;
            bytes += value.Length;
            if (count >= MaxPollRecords || bytes >= MaxPollBytes)
            {
                break;
            }

            result = TryConsume(TimeSpan.Zero);
        }

        return count;
    }

    /// <summary>The topic's name as one string per topic (the evidence's topic index compares by reference first).</summary>
    private string TopicName(ReadOnlySpan<byte> utf8)
    {
        foreach (var (bytes, name) in _topicNames)
        {
            if (utf8.SequenceEqual(bytes))
            {
                return name;
            }
        }

        var added = System.Text.Encoding.UTF8.GetString(utf8);
        _topicNames.Add((utf8.ToArray(), added));
        return added;
    }

    /// <summary>The next record, or null when none came in time or the consumer reported a passing error (logged).</summary>
    private ConsumeResult<Ignore, byte[]>? TryConsume(TimeSpan timeout)
    {
        try
        {
            return _consumer.Consume(timeout);
        }
        catch (ConsumeException ex) when (!ex.Error.IsFatal)
        {
            // E.g. a subscribed topic not there yet, a broker gone for a moment: the client recovers; the loop goes on.
            HostLog.ConsumerError(HostLog.Logger, _settings.ApplicationId, ex.Error.Reason);
            return null;
        }
    }

    private BatchedTask TaskOf(int partition) =>
        TryTaskOf(partition) ?? throw new InvalidOperationException($"a record of partition {partition} arrived, which is not assigned to this stream thread");

    private BatchedTask? TryTaskOf(int partition)
    {
        if (_lastTask?.Partition == partition)
        {
            return _lastTask;
        }

        foreach (var task in _tasks)
        {
            if (task.Partition == partition)
            {
                _lastTask = task;
                return task;
            }
        }

        return null;
    }
}
