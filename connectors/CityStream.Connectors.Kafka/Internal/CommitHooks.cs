using System.Collections.Concurrent;
using Streamiz.Kafka.Net.Processors.Internal;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>Hands each stream task's <see cref="CommitHookedStore"/> to the same task's rule processor (see the store's remarks).</summary>
internal sealed class CommitHooks
{
    private readonly ConcurrentDictionary<(int SubTopology, int Partition), CommitHookedStore> _announced = new();

    public void Announce(TaskId task, CommitHookedStore store) => _announced[(task.Id, task.Partition)] = store;

    public CommitHookedStore Take(TaskId task) =>
        _announced.TryRemove((task.Id, task.Partition), out var store)
            ? store
            : throw new InvalidOperationException($"stream task {task} has no runtime-state store; the rule processor must be connected to it");
}
