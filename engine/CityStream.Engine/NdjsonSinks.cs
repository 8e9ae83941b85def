using System.Text;
using System.Text.Json;

namespace CityStream.Engine;

/// <summary>
/// Appends alerts to an NDJSON file, one alert per line, each id once: ids already in the file (from an
/// earlier run) are read at start, so a replay of the same input adds no line.
/// </summary>
public sealed class NdjsonAlertSink : IAlertSink
{
    private readonly StreamWriter _writer;
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    /// <summary>Opens (or creates) the file.</summary>
    public NdjsonAlertSink(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.Length > 0 && AlertJson.Deserialize(line) is { } alert)
                {
                    _written.Add(alert.Id);
                }
            }
        }

        Path = path;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public string Name => "ndjson";

    /// <inheritdoc />
    public async ValueTask WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        foreach (var alert in alerts)
        {
            if (_written.Add(alert.Id))
            {
                await _writer.WriteLineAsync(AlertJson.Serialize(alert).AsMemory(), cancellationToken).ConfigureAwait(false);
                EngineMetrics.SinkWrites.WithLabels(Name).Inc();
            }
        }

        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}

/// <summary>Appends dead letters to an NDJSON file (the stand-in for <c>city.dlq</c> when no Kafka is used).</summary>
public sealed class NdjsonDeadLetterSink : IDeadLetterSink
{
    private readonly StreamWriter _writer;

    /// <summary>Opens (or creates) the file.</summary>
    public NdjsonDeadLetterSink(string path) =>
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));

    /// <inheritdoc />
    public async ValueTask WriteAsync(IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetters);
        foreach (var letter in deadLetters)
        {
            await _writer.WriteLineAsync(DeadLetterJson.Serialize(letter).AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}

/// <summary>The JSON form of a dead letter in files (Kafka carries the same facts in headers around the original bytes).</summary>
public static class DeadLetterJson
{
    /// <summary>One line: source, reason, detail, topic, partition, offset, row, and the original bytes (as text when UTF-8, else base64).</summary>
    public static string Serialize(DeadLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("source", letter.Source);
            writer.WriteString("reason", letter.Reason);
            writer.WriteString("detail", letter.Detail);
            writer.WriteString("topic", letter.Origin.Topic);
            writer.WriteNumber("partition", letter.Origin.Partition);
            writer.WriteNumber("offset", letter.Origin.Offset);
            writer.WriteNumber("row", letter.Origin.Row);
            if (IsUtf8Text(letter.Payload.Span))
            {
                writer.WriteString("payload", Encoding.UTF8.GetString(letter.Payload.Span));
            }
            else
            {
                writer.WriteBase64String("payload_base64", letter.Payload.Span);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static bool IsUtf8Text(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes) && bytes.IndexOfAnyInRange((byte)0, (byte)8) < 0;
}
