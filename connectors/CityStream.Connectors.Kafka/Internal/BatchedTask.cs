using Confluent.Kafka;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// Task p of a <see cref="BatchedConsumerLoop"/>: partition p of every source topic, one <see cref="TaskPipeline"/>, and its state in
/// changelog partition p. Records of a poll are gathered per topic (each in offset order) and then run merged by record timestamp,
/// smallest first — the order Streamiz's partition grouper gives a task, so both modes see the sources of a task interleaved alike.
/// The values of a poll's records are copied into the consumer's <see cref="GatherBuffer"/>, shared by its tasks, so a record costs
/// no allocation.
/// </summary>
internal sealed class BatchedTask
{
    private readonly List<Inbox> _inboxes = [];
    private readonly GatherBuffer _values;
    private Inbox? _lastInbox;

    public BatchedTask(int partition, TaskPipeline pipeline, ChangelogState state, GatherBuffer values)
    {
        _values = values;
        Partition = partition;
        Pipeline = pipeline;
        State = state;
    }

    public int Partition { get; }

    public TaskPipeline Pipeline { get; }

    public ChangelogState State { get; }

    /// <summary>Whether records were gathered and not yet run.</summary>
    public bool HasGathered
    {
        get
        {
            foreach (var inbox in _inboxes)
            {
                if (inbox.Records.Count > 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Whether records were run since the last commit.</summary>
    public bool Uncommitted { get; private set; }

    /// <summary>Gathers a record of <paramref name="topic"/>, copying its value (the caller may free or reuse it at once).</summary>
    public void Add(string topic, long offset, long timestamp, string? contentType, ReadOnlySpan<byte> value)
    {
        var inbox = _lastInbox;
        if (inbox is null || !string.Equals(inbox.Topic, topic, StringComparison.Ordinal))
        {
            inbox = InboxOf(topic);
            _lastInbox = inbox;
        }

        inbox.Records.Add(new GatheredRecord(offset, timestamp, contentType, _values.Append(value), value.Length));
    }

    /// <summary>Runs every record gathered since the last call, merged by timestamp across topics, and empties the inboxes.</summary>
    public void RunGathered()
    {
        Inbox? only = null;
        var filled = 0;
        foreach (var inbox in _inboxes)
        {
            if (inbox.Records.Count > 0)
            {
                only = inbox;
                filled++;
            }
        }

        if (filled == 0)
        {
            return;
        }

        if (filled == 1)
        {
            foreach (var record in only!.Records)
            {
                Run(only.Topic, record);
            }
        }
        else
        {
            RunMerged();
        }

        foreach (var inbox in _inboxes)
        {
            if (inbox.Records.Count > 0)
            {
                inbox.NextOffset = inbox.Records[^1].Offset + 1;
                inbox.Records.Clear();
                inbox.Head = 0;
            }
        }

        Uncommitted = true;
    }

    /// <summary>Marks the task as having offsets to commit again (its last commit failed).</summary>
    public void MarkUncommitted() => Uncommitted = true;

    /// <summary>Adds the position after the last record run of each topic to <paramref name="offsets"/>, and marks the task committed.</summary>
    public void CollectOffsets(List<TopicPartitionOffset> offsets)
    {
        foreach (var inbox in _inboxes)
        {
            if (inbox.NextOffset >= 0)
            {
                offsets.Add(new TopicPartitionOffset(inbox.Topic, Partition, inbox.NextOffset));
            }
        }

        Uncommitted = false;
    }

    private void RunMerged()
    {
        while (true)
        {
            Inbox? next = null;
            var nextTime = long.MaxValue;
            foreach (var inbox in _inboxes)
            {
                if (inbox.Head < inbox.Records.Count)
                {
                    var time = inbox.Records[inbox.Head].Timestamp;
                    if (next is null || time < nextTime)
                    {
                        next = inbox;
                        nextTime = time;
                    }
                }
            }

            if (next is null)
            {
                return;
            }

            Run(next.Topic, next.Records[next.Head++]);
        }
    }

    // The inbox's topic, not the record's: one string for every record of the topic (the evidence's topic index compares by reference first).
    private void Run(string topic, GatheredRecord record) =>
        Pipeline.Process(topic, Partition, record.Offset, record.ContentType, _values.Value(record.Start, record.Length), valueReused: true);

    private Inbox InboxOf(string topic)
    {
        foreach (var inbox in _inboxes)
        {
            if (string.Equals(inbox.Topic, topic, StringComparison.Ordinal))
            {
                return inbox;
            }
        }

        var created = new Inbox(topic);
        _inboxes.Add(created);
        return created;
    }

    private sealed class Inbox(string topic)
    {
        public string Topic { get; } = topic;

        public List<GatheredRecord> Records { get; } = [];

        public int Head { get; set; }

        /// <summary>The offset after the last record run; -1 before any.</summary>
        public long NextOffset { get; set; } = -1;
    }

    /// <summary>A gathered record: where its value is in the consumer's gather buffer, and what else running it needs.</summary>
    private readonly record struct GatheredRecord(long Offset, long Timestamp, string? ContentType, int Start, int Length);
}
