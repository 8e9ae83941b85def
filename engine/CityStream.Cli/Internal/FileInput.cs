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
