using CityStream.Engine;

namespace CityStream.Cli.Internal;

/// <summary>Reads history files as input records: NDJSON (one JSON event per line) or Arrow IPC streams; the topic comes from the file name (e.g. <c>city.hotline.ndjson</c>).</summary>
internal static class FileInput
{
    public static string TopicOf(string path, string? topicOverride)
    {
        if (topicOverride is not null)
        {
            return topicOverride;
        }

        var name = Path.GetFileName(path);
        var dot = name.LastIndexOf('.');
        return dot > 0 ? name[..dot] : name;
    }

    /// <summary>
    /// The NDJSON files merged into one stream in event-time order (by each line's <c>ts</c>; a line without one
    /// keeps its place after the line before it), as the sources would have arrived live. Without the merge,
    /// cross-source rules would see one whole file before the next.
    /// </summary>
    public static IEnumerable<List<InputRecord>> ReadMerged(IReadOnlyList<(string Path, string Topic)> files, int batchSize)
    {
        var readers = files.Select(f => (f.Topic, Lines: File.ReadLines(f.Path).GetEnumerator(), Line: 0L, LastTs: long.MinValue)).ToArray();
        var queue = new PriorityQueue<int, (long Ts, int File)>();
        var pending = new (byte[] Value, long Line, long Ts)[readers.Length];
        bool Advance(int i)
        {
            ref var reader = ref readers[i];
            while (reader.Lines.MoveNext())
            {
                reader.Line++;
                var text = reader.Lines.Current;
                if (text.Length == 0)
                {
                    continue;
                }

                var ts = TimestampOf(text) ?? reader.LastTs;
                reader.LastTs = ts;
                pending[i] = (System.Text.Encoding.UTF8.GetBytes(text), reader.Line, ts);
                queue.Enqueue(i, (ts, i));
                return true;
            }

            reader.Lines.Dispose();
            return false;
        }

        for (var i = 0; i < readers.Length; i++)
        {
            Advance(i);
        }

        var batch = new List<InputRecord>(batchSize);
        while (queue.TryDequeue(out var next, out _))
        {
            batch.Add(new InputRecord(readers[next].Topic, -1, pending[next].Line, pending[next].Value, ContentTypes.Json));
            Advance(next);
            if (batch.Count >= batchSize)
            {
                yield return batch;
                batch = new List<InputRecord>(batchSize);
            }
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    /// <summary>The <c>ts</c> of a JSON line, read cheaply; null when there is none.</summary>
    internal static long? TimestampOf(string line)
    {
        var at = line.IndexOf("\"ts\":", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var span = line.AsSpan(at + 5).TrimStart();
        var digits = 0;
        while (digits < span.Length && char.IsAsciiDigit(span[digits]))
        {
            digits++;
        }

        return digits > 0 && long.TryParse(span[..digits], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ts) ? ts : null;
    }

    /// <summary>Records of a file, in batches; the offset is the line number (NDJSON) or 0 (an Arrow file is one record of many batches).</summary>
    public static IEnumerable<List<InputRecord>> Read(string path, string topic, int batchSize)
    {
        if (path.EndsWith(".arrow", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".arrows", StringComparison.OrdinalIgnoreCase))
        {
            yield return [new InputRecord(topic, -1, 0, File.ReadAllBytes(path), ContentTypes.Arrow)];
            yield break;
        }

        var batch = new List<InputRecord>(batchSize);
        long line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            batch.Add(new InputRecord(topic, -1, line, System.Text.Encoding.UTF8.GetBytes(text), ContentTypes.Json));
            if (batch.Count >= batchSize)
            {
                yield return batch;
                batch = new List<InputRecord>(batchSize);
            }
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }
}
