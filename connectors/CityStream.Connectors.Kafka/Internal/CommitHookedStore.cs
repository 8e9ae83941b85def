using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Crosscutting;
using Streamiz.Kafka.Net.Processors;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.State.Enumerator;
using Streamiz.Kafka.Net.State.InMemory;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// The innermost layer of the runtime-state store: Streamiz's in-memory key-value store, plus a hook that runs when Streamiz flushes
/// the store. Streamiz flushes a task's stores (then its producer) right before it commits the task's input offsets, so
/// <see cref="BeforeCommit"/> is where the rule processor writes its pending sink output and checkpoints its runtime.
/// </summary>
/// <remarks>
/// Streamiz wraps this store in its change-logging and metered layers (which are internal types), so the processor cannot reach it
/// through <c>GetStateStore</c>; the store announces itself in <see cref="CommitHooks"/> under its task id when Streamiz initialises it,
/// which happens just before the same task's processors are initialised.
/// </remarks>
internal sealed class CommitHookedStore : IKeyValueStore<Bytes, byte[]>
{
    private readonly InMemoryKeyValueStore _inner;
    private readonly CommitHooks _hooks;

    public CommitHookedStore(string name, CommitHooks hooks)
    {
        _inner = new InMemoryKeyValueStore(name);
        _hooks = hooks;
    }

    /// <summary>Runs first whenever Streamiz flushes the store: before every offset commit of the task, and when the task is closed.</summary>
    public Action? BeforeCommit { get; set; }

    public string Name => _inner.Name;

    public bool Persistent => _inner.Persistent;

    public bool IsLocally => _inner.IsLocally;

    public bool IsOpen => _inner.IsOpen;

    public void Init(ProcessorContext context, IStateStore root)
    {
        ArgumentNullException.ThrowIfNull(context);
        _inner.Init(context, root);
        _hooks.Announce(context.Id, this);
    }

    public void Flush()
    {
        BeforeCommit?.Invoke();
        _inner.Flush();
    }

    public void Close()
    {
        BeforeCommit = null;
        _inner.Close();
    }

    public byte[] Get(Bytes key) => _inner.Get(key);

    public IKeyValueEnumerator<Bytes, byte[]> Range(Bytes from, Bytes to) => _inner.Range(from, to);

    public IKeyValueEnumerator<Bytes, byte[]> ReverseRange(Bytes from, Bytes to) => _inner.ReverseRange(from, to);

    public IEnumerable<KeyValuePair<Bytes, byte[]>> All() => _inner.All();

    public IEnumerable<KeyValuePair<Bytes, byte[]>> ReverseAll() => _inner.ReverseAll();

    public long ApproximateNumEntries() => _inner.ApproximateNumEntries();

    public void Put(Bytes key, byte[] value) => _inner.Put(key, value);

    public byte[] PutIfAbsent(Bytes key, byte[] value) => _inner.PutIfAbsent(key, value);

    public void PutAll(IEnumerable<KeyValuePair<Bytes, byte[]>> entries) => _inner.PutAll(entries);

    public byte[] Delete(Bytes key) => _inner.Delete(key);
}
