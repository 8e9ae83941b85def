namespace CityStream.Engine;

/// <summary>What running events through the rules gave: alerts and dead letters (late events). Reused across batches.</summary>
public sealed class RuntimeOutput
{
    /// <summary>Alerts emitted, in order.</summary>
    public List<Alert> Alerts { get; } = [];

    /// <summary>Events refused by the runtime (reason <c>late</c>).</summary>
    public List<DeadLetter> DeadLetters { get; } = [];

    /// <summary>Empties both lists.</summary>
    public void Clear()
    {
        Alerts.Clear();
        DeadLetters.Clear();
    }
}
