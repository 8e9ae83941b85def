using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>The stateful evaluator of one rule: sees the events of the rule's sources in order, on the event-time clock.</summary>
internal interface IRuleOperator
{
    CompiledRule Rule { get; }

    /// <summary>Keys held in working state.</summary>
    int StateKeys { get; }

    /// <summary>Whether the operator finds a tracked key by the key's characters: then an event's key need not be made a string first.</summary>
    bool FindsKeysByChars { get; }

    void OnEvent(CityEvent evt, RuntimeContext context);

    /// <summary>Stream time (the highest event time the runtime has seen) moved to <paramref name="streamTime"/>: fire timers, expire state.</summary>
    void OnTime(long streamTime, RuntimeContext context);
}

/// <summary>What an operator may touch while it runs: the emit clock and the output.</summary>
internal sealed class RuntimeContext(TimeProvider clock)
{
    private readonly bool _systemClock = ReferenceEquals(clock, TimeProvider.System);
    private long _now = long.MinValue;
    private long _wallAtSync;
    private long _ticksAtSync;
    private bool _synced;

    public RuntimeOutput Output { get; set; } = new();

    /// <summary>
    /// Wall-clock time for alert emit times, read at most once per event. On the system clock it is the
    /// coarse monotonic tick count added to a wall-clock reading taken once a second: reading the wall clock
    /// per alert was a tenth of a busy rule's time, and emit times need milliseconds, not nanoseconds.
    /// </summary>
    public long Now
    {
        get
        {
            if (_now != long.MinValue)
            {
                return _now;
            }

            if (!_systemClock)
            {
                return _now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            }

            var ticks = Environment.TickCount64;
            if (!_synced || ticks - _ticksAtSync >= 1_000)
            {
                _synced = true;
                _ticksAtSync = ticks;
                _wallAtSync = clock.GetUtcNow().ToUnixTimeMilliseconds();
            }

            return _now = _wallAtSync + (ticks - _ticksAtSync);
        }
    }

    public void BeginEvent() => _now = long.MinValue;
}
