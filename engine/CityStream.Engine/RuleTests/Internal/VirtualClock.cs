namespace CityStream.Engine.RuleTests.Internal;

/// <summary>The wall clock of a rule test: it reads the virtual time of the input being processed.</summary>
internal sealed class VirtualClock(long startMs) : TimeProvider
{
    public long NowMs { get; private set; } = startMs;

    public void MoveTo(long ms) => NowMs = Math.Max(NowMs, ms);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);
}
