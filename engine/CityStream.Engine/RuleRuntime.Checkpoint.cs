using System.Text.Json;
using CityStream.Engine.Internal.Runtime;

namespace CityStream.Engine;

/// <content>Checkpoint and restore of the runtime's working state.</content>
public sealed partial class RuleRuntime
{
    private const char Separator = '\u001f';
    private const string ClockKey = "clock";

    /// <summary>
    /// Writes what changed since the last checkpoint — the keys each rule's state touched, the alert ids
    /// emitted or expired, the event-time clock — to <paramref name="store"/>. Hosts call it after a batch,
    /// before committing that batch's input offsets.
    /// </summary>
    public void Checkpoint(IRuntimeStateStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        FlushProcessed();
        foreach (var op in _operators)
        {
            var rulePrefix = "r" + Separator + op.Rule.Id + Separator;
            if (op is ICheckpointedOperator stateful)
            {
                stateful.Checkpoint((key, value) => store.Put(rulePrefix + key, value));
            }

            if (op is OperatorBase withEmitted)
            {
                var emittedPrefix = "e" + Separator + op.Rule.Id + Separator;
                foreach (var (alertId, expiry) in withEmitted.Emitted.TakeChanged())
                {
                    store.Put(emittedPrefix + alertId, expiry is { } e ? BitConverter.GetBytes(e) : null);
                }
            }
        }

        store.Put(ClockKey, JsonSerializer.SerializeToUtf8Bytes(new ClockState(_streamTime, _watermarks.Select(w => new PartitionWatermark(w.Key.Topic, w.Key.Partition, w.Value.Watermark)).ToList()), ClockJsonContext.Default.ClockState));
    }

    /// <summary>Reads a checkpoint back into a fresh runtime (after a restart); entries of rules no longer in the set are ignored.</summary>
    public void Restore(IRuntimeStateStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var byRule = _operators.ToDictionary(o => o.Rule.Id, StringComparer.Ordinal);
        _lastClock = null;
        foreach (var (key, value) in store.ReadAll())
        {
            if (key == ClockKey)
            {
                var clock = JsonSerializer.Deserialize(value, ClockJsonContext.Default.ClockState)!;
                _streamTime = Math.Max(_streamTime, clock.StreamTime);
                foreach (var w in clock.Watermarks)
                {
                    _watermarks[(w.Topic, w.Partition)] = new PartitionClock { Watermark = w.Watermark };
                }

                continue;
            }

            var parts = key.Split(Separator, 3);
            if (parts.Length != 3 || !byRule.TryGetValue(parts[1], out var op))
            {
                continue;
            }

            if (parts[0] == "r" && op is ICheckpointedOperator stateful)
            {
                try
                {
                    stateful.Restore(parts[2], value);
                }
                catch (Exception ex) when (ex is JsonException or InvalidDataException or KeyNotFoundException or FormatException or InvalidOperationException or IndexOutOfRangeException or ArgumentException)
                {
                    // A rule reloaded under the same id may no longer read its earlier version's state: start that key afresh rather
                    // than refuse the whole restore (which would stop the host at every restart). Counted as an eviction.
                    EngineMetrics.StateEvictions.WithLabels(op.Rule.Id, "unreadable_checkpoint").Inc();
                }
            }
            else if (parts[0] == "e" && op is OperatorBase withEmitted)
            {
                withEmitted.Emitted.Restore(parts[2], BitConverter.ToInt64(value));
            }
        }
    }
}

/// <summary>The event-time clock in a checkpoint.</summary>
internal sealed record ClockState(long StreamTime, List<PartitionWatermark> Watermarks);

/// <summary>One input partition's watermark.</summary>
internal sealed record PartitionWatermark(string Topic, int Partition, long Watermark);

[System.Text.Json.Serialization.JsonSerializable(typeof(ClockState))]
internal sealed partial class ClockJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
