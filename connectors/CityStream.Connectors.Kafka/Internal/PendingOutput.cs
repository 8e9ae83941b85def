using CityStream.Engine;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// What one stream task's records gave since its sinks were last handed a batch: alerts, dead letters (with the <c>content-type</c>
/// of the record each came from) and the counts. Batches are written in the background so the stream thread goes on consuming while
/// Redis and the warning topic are written: a batch is handed off at once when no write is in flight (so an alert waits about one
/// sink round trip), else when <see cref="HandOffSize"/> outputs are held, up to <see cref="MaxInFlight"/> writes at a time (a sink's
/// round trip, not its throughput, would otherwise bound the host). The order of batches does not matter: alert ids are
/// deterministic and every sink writes idempotently. Before Streamiz commits, <see cref="Write"/> hands off the rest and blocks until
/// everything is written.
/// </summary>
internal sealed class PendingOutput
{
    /// <summary>Outputs held before a batch is handed off while other writes are in flight.</summary>
    public const int HandOffSize = 500;

    /// <summary>Writes in flight at most; past that, and past <see cref="WriteThreshold"/> outputs held, the stream thread waits.</summary>
    public const int MaxInFlight = 4;

    /// <summary>Alerts plus dead letters held before the stream thread waits for a write in flight (bounds memory).</summary>
    public const int WriteThreshold = 20_000;

    private readonly List<Task> _inFlight = [];
    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _failure;
    private List<Alert> _alerts = [];
    private List<DeadLetter> _letters = [];
    private List<string?> _letterContentTypes = [];
    private long _eventsIn;
    private long _processed;

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
    /// Hands the alerts and dead letters held to a background write when the rules above allow it, rethrowing on the stream thread what
    /// a finished write failed with; with <see cref="WriteThreshold"/> held and every slot busy, waits for the oldest write.
    /// </summary>
    public void TryHandOff(RuleHostContext host, CancellationToken stopping)
    {
        if (Count == 0)
        {
            return;
        }

        Reap();
        if (_inFlight.Count == 0 || (Count >= HandOffSize && _inFlight.Count < MaxInFlight))
        {
            HandOff(host, stopping);
        }
        else if (Count >= WriteThreshold)
        {
            WaitQuietly(_inFlight[0]);
            Reap();
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
        _failure?.Throw();
        HandOff(host, stopping);
        WaitQuietly(Task.WhenAll(_inFlight));
        Reap();
    }

    /// <summary>
    /// Drops finished writes and rethrows a failure — then and on every later call: a write that failed must stop every later
    /// commit, or Streamiz's closing commit would cover records whose output never reached the sinks.
    /// </summary>
    private void Reap()
    {
        _failure?.Throw();
        for (var i = _inFlight.Count - 1; i >= 0; i--)
        {
            if (_inFlight[i].IsCompleted)
            {
                var done = _inFlight[i];
                _inFlight.RemoveAt(i);
                if (done.Exception is { } failed)
                {
                    _failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failed.InnerExceptions.Count == 1 ? failed.InnerExceptions[0] : failed);
                }
                else if (done.IsCanceled)
                {
                    _failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(new OperationCanceledException("a sink write was cancelled"));
                }
            }
        }

        _failure?.Throw();
    }

    /// <summary>Blocks until the task ends, without throwing: <see cref="Reap"/> reports how it ended.</summary>
    private static void WaitQuietly(Task task) =>
        task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Wait();

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
        // On the thread pool: run inline, the write (alert rendering, serialisation, produce calls) would start on the stream thread.
        _inFlight.Add(Task.Run(() => WriteAsync(batch, host, stopping), CancellationToken.None));
    }

    private static async Task WriteAsync(Batch batch, RuleHostContext host, CancellationToken stopping)
    {
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
