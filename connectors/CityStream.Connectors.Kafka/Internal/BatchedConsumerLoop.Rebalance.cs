using Confluent.Kafka;

namespace CityStream.Connectors.Kafka.Internal;

/// <content>The consumer group's rebalance callbacks: tasks restored when assigned, committed when revoked, dropped when lost.</content>
internal sealed partial class BatchedConsumerLoop
{
    /// <summary>
    /// Runs a rebalance handler, keeping what it throws for the poll loop: the client keeps it too, but rethrows it only from its own
    /// <c>Consume</c>, which the native reader does not call.
    /// </summary>
    private void Guarded<T>(Action<List<T>> handler, List<T> partitions)
    {
        try
        {
            handler(partitions);
        }
        catch (Exception ex)
        {
            _handlerFailure ??= ex;
            throw;
        }
    }

    private void ThrowIfHandlerFailed()
    {
        if (_handlerFailure is { } failure)
        {
            _handlerFailure = null;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        KafkaHostMetrics.Rebalances.WithLabels(_settings.ApplicationId, "assigned").Inc();
        foreach (var partition in partitions)
        {
            var number = partition.Partition.Value;
            if (_tasks.Exists(t => t.Partition == number))
            {
                continue;
            }

            var state = new ChangelogState(_changelog, new TopicPartition(_settings.ChangelogTopic, number), _onChangelogDelivery);
            state.ReadBack(RestoreReader(), _host.Stopping);
            var pipeline = new TaskPipeline(_host);
            pipeline.Restore(state);
            _tasks.Add(new BatchedTask(number, pipeline, state, _values));
        }

        Volatile.Write(ref _taskCount, _tasks.Count);
        _tasksGauge.Set(_tasks.Count);
    }

    private void OnRevoked(List<TopicPartitionOffset> partitions)
    {
        KafkaHostMetrics.Rebalances.WithLabels(_settings.ApplicationId, "revoked").Inc();
        var revoked = _tasks.FindAll(t => partitions.Exists(p => p.Partition.Value == t.Partition));
        try
        {
            Commit(revoked);
        }
        finally
        {
            Drop(revoked);
        }
    }

    private void OnLost(List<TopicPartitionOffset> partitions)
    {
        KafkaHostMetrics.Rebalances.WithLabels(_settings.ApplicationId, "lost").Inc();
        Drop(_tasks.FindAll(t => partitions.Exists(p => p.Partition.Value == t.Partition)));
    }

    private void Drop(List<BatchedTask> tasks)
    {
        foreach (var task in tasks)
        {
            _tasks.Remove(task);
        }

        _lastTask = null;
        Volatile.Write(ref _taskCount, _tasks.Count);
        _tasksGauge.Set(_tasks.Count);
    }

    private IConsumer<byte[], byte[]?> RestoreReader() =>
        _restoreReader ??= new ConsumerBuilder<byte[], byte[]?>(new ConsumerConfig
        {
            BootstrapServers = _settings.BootstrapServers,
            // Assigned, never subscribed: the group id is required by the client and never joined.
            GroupId = _settings.ApplicationId + "-restore",
            ClientId = _thread.Name + "-restore",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
        }).Build();
}
