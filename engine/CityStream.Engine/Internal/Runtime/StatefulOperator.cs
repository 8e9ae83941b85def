using System.Text.Json;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// An operator whose working state is per key, bounded, and checkpointed: the keys an operator changed are
/// written as small JSON documents (only those keys, per batch), and read back after a restart.
/// </summary>
internal abstract class StatefulOperator<T> : OperatorBase, ICheckpointedOperator
    where T : class
{
    private readonly Dictionary<string, SourceSchema> _sources;

    protected StatefulOperator(CompiledRule rule, EmittedAlerts emitted, long ttlMs)
        : base(rule, emitted)
    {
        State = new KeyedState<T>(rule.Id, rule.MaxKeys, ttlMs + LatenessMs);
        _sources = rule.Steps.Select(s => s.Source).Distinct().ToDictionary(s => s.Name, StringComparer.Ordinal);
        SingleSource = _sources.Count == 1 ? _sources.Values.First() : null;
    }

    protected KeyedState<T> State { get; }

    public override int StateKeys => State.Count;

    public void Checkpoint(Action<string, byte[]?> put)
    {
        var dirty = State.TakeDirty();
        try
        {
            for (var i = 0; i < dirty.Count; i++)
            {
                var key = dirty[i];
                if (State.Get(key) is not { } value)
                {
                    put(key, null);
                    continue;
                }

                var writer = CheckpointWriter.Start();
                writer.WriteStartObject();
                writer.WriteNumber("seen", State.LastSeen(key));
                writer.WritePropertyName("v");
                WriteState(writer, value);
                writer.WriteEndObject();
                put(key, CheckpointWriter.Finish(writer));
            }
        }
        finally
        {
            // The list is reused: it should not keep the keys of windows since dropped alive until the next checkpoint.
            State.ForgetTaken();
        }
    }

    public void Restore(string key, byte[] value)
    {
        using var document = JsonDocument.Parse(value);
        var state = ReadState(document.RootElement.GetProperty("v"));
        State.Restore(key, state, document.RootElement.GetProperty("seen").GetInt64());
        OnRestored(key, state);
    }

    /// <summary>The source of that name among the rule's; the empty name stands for the rule's only source (see <see cref="SingleSource"/>).</summary>
    protected SourceSchema? SourceNamed(string name) => name.Length == 0 ? SingleSource : _sources.GetValueOrDefault(name);

    /// <summary>The rule's source when it has one only: its checkpointed events need not name it.</summary>
    protected SourceSchema? SingleSource { get; }

    protected abstract void WriteState(Utf8JsonWriter writer, T state);

    protected abstract T ReadState(JsonElement element);

    /// <summary>Rebuilds indexes (deadlines, closing windows) for a restored key.</summary>
    protected virtual void OnRestored(string key, T state)
    {
    }
}

/// <summary>An operator whose state the runtime checkpoints.</summary>
internal interface ICheckpointedOperator
{
    void Checkpoint(Action<string, byte[]?> put);

    void Restore(string key, byte[] value);
}
