using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>The stateful evaluator of one rule: sees the events of the rule's sources in order, on the event-time clock.</summary>
internal interface IRuleOperator
{
    CompiledRule Rule { get; }

    /// <summary>Keys held in working state.</summary>
    int StateKeys { get; }

    void OnEvent(CityEvent evt, RuntimeContext context);

    /// <summary>Stream time (the highest event time the runtime has seen) moved to <paramref name="streamTime"/>: fire timers, expire state.</summary>
    void OnTime(long streamTime, RuntimeContext context);
}

/// <summary>What an operator may touch while it runs: the emit clock and the output.</summary>
internal sealed class RuntimeContext(TimeProvider clock)
{
    public RuntimeOutput Output { get; set; } = new();

    public long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();
}
