namespace CityStream.Engine.RuleTests.Internal;

/// <summary>Keeps the alerts a test gave.</summary>
internal sealed class MemoryAlertSink : IAlertSink
{
    public List<Alert> Alerts { get; } = [];

    public string Name => "rule-test";

    public ValueTask WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        Alerts.AddRange(alerts);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Keeps the dead letters a test gave.</summary>
internal sealed class MemoryDeadLetterSink : IDeadLetterSink
{
    public List<DeadLetter> DeadLetters { get; } = [];

    public ValueTask WriteAsync(IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken)
    {
        DeadLetters.AddRange(deadLetters);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
