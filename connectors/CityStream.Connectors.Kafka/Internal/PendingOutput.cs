using CityStream.Engine;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// What one stream task's records gave since its sinks were last written: alerts, dead letters (with the <c>content-type</c> of the
/// record each came from) and the counts, written to every sink in one go by <see cref="Write"/>.
/// </summary>
internal sealed class PendingOutput
{
    /// <summary>Alerts plus dead letters held before the sinks are written without waiting for the commit (bounds memory and latency).</summary>
    public const int WriteThreshold = 2000;

    private readonly List<Alert> _alerts = [];
    private readonly List<DeadLetter> _letters = [];
    private readonly List<string?> _letterContentTypes = [];
    private long _eventsIn;
    private long _processed;

    /// <summary>Alerts and dead letters held.</summary>
    public int Count => _alerts.Count + _letters.Count;

    /// <summary>Whether records were added since the last write.</summary>
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
    /// Writes the dead letters to the dead-letter topic and the alerts to every alert sink, all at once, each retried with backoff until
    /// written or <paramref name="stopping"/> is cancelled; then adds the counts to the host's and empties the buffer. Blocks: the stream
    /// thread has no synchronisation context, and it must not move on (or let Streamiz commit) before the sinks have the output.
    /// </summary>
    public void Write(RuleHostContext host, CancellationToken stopping)
    {
        if (_alerts.Count > 0 || _letters.Count > 0)
        {
            var writes = new List<Task>(host.AlertSinks.Count + 1);
            if (_letters.Count > 0)
            {
                writes.Add(DeadLetterRetry.WriteAsync(host.DeadLetters, _letters, _letterContentTypes, stopping));
            }

            if (_alerts.Count > 0)
            {
                foreach (var sink in host.AlertSinks)
                {
                    writes.Add(SinkRetry.WriteAsync(sink, _alerts, stopping).AsTask());
                }
            }

            Task.WhenAll(writes).GetAwaiter().GetResult();
            AlertMetrics.Record(_alerts);
        }

        host.Counters.Add(_eventsIn, _processed, _letters.Count, _alerts.Count);
        _alerts.Clear();
        _letters.Clear();
        _letterContentTypes.Clear();
        _eventsIn = 0;
        _processed = 0;
    }
}
