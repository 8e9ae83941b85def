using CityStream.Engine;
using Streamiz.Kafka.Net.Crosscutting;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.State.Supplier;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// The rule runtime's checkpoint in a Streamiz key-value store with a changelog topic: an <see cref="IRuntimeStateStore"/> over the
/// task's store, and the builder of that store. Streamiz names the changelog <c>{application id}-citystream-runtime-state-changelog</c>
/// (compacted, one partition per input partition) and, when a task starts on a new instance or after a restart, refills the store
/// from it before the task processes its first record.
/// </summary>
internal sealed class RuntimeStateStore(IKeyValueStore<string, byte[]> store) : IRuntimeStateStore
{
    public const string Name = "citystream-runtime-state";

    public void Put(string key, byte[]? value)
    {
        if (value is null)
        {
            store.Delete(key);
        }
        else
        {
            store.Put(key, value);
        }
    }

    public IEnumerable<KeyValuePair<string, byte[]>> ReadAll() => store.All();

    /// <summary>An in-memory store with change logging whose innermost layer announces itself to <paramref name="hooks"/>.</summary>
    public static IStoreBuilder Builder(CommitHooks hooks) =>
        Stores.KeyValueStoreBuilder(new Supplier(hooks), new StringSerDes(), new ByteArraySerDes())
            .WithLoggingEnabled(new Dictionary<string, string>(StringComparer.Ordinal))
            .WithCachingDisabled();

    private sealed class Supplier(CommitHooks hooks) : IKeyValueBytesStoreSupplier
    {
        public string Name { get; set; } = RuntimeStateStore.Name;

        public string MetricsScope => "in-memory";

        public IKeyValueStore<Bytes, byte[]> Get() => new CommitHookedStore(Name, hooks);
    }
}
