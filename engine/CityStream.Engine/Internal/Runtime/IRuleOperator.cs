using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>The stateful evaluator of one rule: sees the rule's source events in order, per the event-time clock.</summary>
internal interface IRuleOperator
{
    CompiledRule Rule { get; }

    /// <summary>Keys held in working state.</summary>
    int StateKeys { get; }

    void OnEvent(CityEvent evt, RuntimeContext context);

    /// <summary>Event time has reached <paramref name="watermark"/> on the event's partition: fire timers, expire state.</summary>
    void OnWatermark(long watermark, RuntimeContext context);
}

/// <summary>What an operator may touch while it runs: the emit clock and the output.</summary>
internal sealed class RuntimeContext(TimeProvider clock)
{
    public RuntimeOutput Output { get; set; } = new();

    public long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();
}
