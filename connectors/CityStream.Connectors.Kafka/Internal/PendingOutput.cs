using CityStream.Engine;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// What one stream task's records gave since its sinks were last handed a batch: alerts, dead letters (with the <c>content-type</c>
/// of the record each came from) and the counts. Batches are written by a background chain, in order, one write at a time, so the
/// stream thread goes on consuming while Redis and the warning topic are written: a batch is handed off as soon as the previous one
/// is written (<see cref="TryHandOff"/>), and alerts that come meanwhile wait for it and go together (group commit). Before Streamiz
/// commits, <see cref="Write"/> hands off the rest and blocks until everything is written.
/// </summary>
internal sealed class PendingOutput
{
    /// <summary>Alerts plus dead letters held before the stream thread waits for the write in flight (bounds memory and latency).</summary>
    public const int WriteThreshold = 2000;

    private List<Alert> _alerts = [];
    private List<DeadLetter> _letters = [];
    private List<string?> _letterContentTypes = [];
    private long _eventsIn;
    private long _processed;
    private Task _inFlight = Task.CompletedTask;

    /// <summary>Alerts and dead letters held.</summary>
    public int Count => _alerts.Count + _letters.Count;

    /// <summary>Whether records were added since the last hand-off.</summary>
    public bool HasRecords => _eventsIn != 0;

    public void AddLetter(DeadLetter letter, string? recordContentType)
    {
        _letters.Add(letter);
        _letterContentTypes.Add(recordContentType);
    }

    public void AddLetters(List<DeadLetter> letters, string? recordContentType)
    {
        foreach (var letter in letters)
        {
            AddLetter(letter, recordContentType);
        }
    }

    public void AddAlerts(List<Alert> alerts) => _alerts.AddRange(alerts);

    /// <summary>Counts one record's events: <paramref name="eventsIn"/> read, of which <paramref name="processed"/> ran through the rules (the rest are among the letters).</summary>
    public void AddCounts(long eventsIn, long processed)
    {
        _eventsIn += eventsIn;
        _processed += processed;
    }

    /// <summary>
    /// Hands the alerts and dead letters held to the writer when it is idle (rethrowing, on the stream thread, what a previous write
    /// failed with); when it is busy they wait for the next call, unless there are <see cref="WriteThreshold"/> of them: then the
    /// stream thread waits for the write in flight, so a slow sink slows the consumer instead of filling memory.
    /// </summary>
    public void TryHandOff(RuleHostContext host, CancellationToken stopping)
    {
        if (Count == 0)
        {
            return;
        }

        if (_inFlight.IsCompleted || Count >= WriteThreshold)
        {
            _inFlight.GetAwaiter().GetResult();
            HandOff(host, stopping);
        }
    }

    /// <summary>
    /// Hands off everything held, counts included, and blocks until every batch is written to the dead-letter topic and every alert
    /// sink (each retried with backoff until written or <paramref name="stopping"/> is cancelled). The stream thread must not let
    /// Streamiz commit before the sinks have the output of the offsets it commits.
    /// </summary>
    public void Write(RuleHostContext host, CancellationToken stopping)
    {
        HandOff(host, stopping);
        _inFlight.GetAwaiter().GetResult();
    }

    private void HandOff(RuleHostContext host, CancellationToken stopping)
    {
        if (Count == 0 && _eventsIn == 0)
        {
            return;
        }

        var batch = new Batch(_alerts, _letters, _letterContentTypes, _eventsIn, _processed);
        _alerts = [];
        _letters = [];
        _letterContentTypes = [];
        _eventsIn = 0;
        _processed = 0;
        _inFlight = WriteAfterAsync(_inFlight, batch, host, stopping);
    }

    private static async Task WriteAfterAsync(Task previous, Batch batch, RuleHostContext host, CancellationToken stopping)
    {
        await previous.ConfigureAwait(false);
        if (batch.Alerts.Count > 0 || batch.Letters.Count > 0)
        {
            var writes = new List<Task>(host.AlertSinks.Count + 1);
            if (batch.Letters.Count > 0)
            {
                writes.Add(DeadLetterRetry.WriteAsync(host.DeadLetters, batch.Letters, batch.LetterContentTypes, stopping));
            }

            if (batch.Alerts.Count > 0)
            {
                foreach (var sink in host.AlertSinks)
                {
                    writes.Add(SinkRetry.WriteAsync(sink, batch.Alerts, stopping).AsTask());
                }
            }

            await Task.WhenAll(writes).ConfigureAwait(false);
            AlertMetrics.Record(batch.Alerts);
        }

        host.Counters.Add(batch.EventsIn, batch.Processed, batch.Letters.Count, batch.Alerts.Count);
    }

    private sealed record Batch(List<Alert> Alerts, List<DeadLetter> Letters, List<string?> LetterContentTypes, long EventsIn, long Processed);
}
