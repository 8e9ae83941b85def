using Apache.Arrow;
using Apache.Arrow.Ipc;
using CityStream.Engine;

namespace CityStream.Connectors.Simulator.Internal.Outputs;

/// <summary>The NDJSON and Arrow file outputs (plus labels and reference layers).</summary>
internal static class FileOutputs
{
    private const int FileBufferBytes = 1 << 16;

    public static SimulationSummary WriteNdjson(CitySimulator sim, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var counter = new SummaryCounter();
        var files = new Dictionary<string, Stream>(StringComparer.Ordinal);
        try
        {
            foreach (var emission in sim.Emit())
            {
                ct.ThrowIfCancellationRequested();
                var record = emission.Record;
                counter.Add(record);
                if (!files.TryGetValue(record.Topic, out var file))
                {
                    file = Create(Path.Combine(directory, record.Topic + ".ndjson"));
                    files.Add(record.Topic, file);
                }

                NdjsonLines.Write(emission, file);
            }
        }
        finally
        {
            foreach (var file in files.Values)
            {
                file.Dispose();
            }
        }

        WriteLabelsAndReference(sim, directory);
        return counter.ToSummary();
    }

    public static SimulationSummary WriteArrow(CitySimulator sim, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var counter = new SummaryCounter();
        var topics = new Dictionary<string, ArrowTopicFile>(StringComparer.Ordinal);
        var batchSize = sim.BatchSizeForFiles;
        try
        {
            foreach (var emission in sim.Emit())
            {
                ct.ThrowIfCancellationRequested();
                var record = emission.Record;
                counter.Add(record);
                if (!topics.TryGetValue(record.Topic, out var topic))
                {
                    topic = new ArrowTopicFile(Path.Combine(directory, record.Topic + ".arrow"), batchSize);
                    topics.Add(record.Topic, topic);
                }

                foreach (var evt in emission.ValidEvents)
                {
                    topic.Add(evt);
                }
            }

            foreach (var topic in topics.Values)
            {
                topic.Complete();
            }
        }
        finally
        {
            foreach (var topic in topics.Values)
            {
                topic.Dispose();
            }
        }

        WriteLabelsAndReference(sim, directory);
        return counter.ToSummary();
    }

    private static FileStream Create(string path) => new(path, FileMode.Create, FileAccess.Write, FileShare.Read, FileBufferBytes);

    private static void WriteLabelsAndReference(CitySimulator sim, string directory)
    {
        using (var labels = new StreamWriter(Create(Path.Combine(directory, "labels.ndjson")), new System.Text.UTF8Encoding(false)))
        {
            labels.NewLine = "\n";
            foreach (var label in sim.Labels)
            {
                labels.WriteLine(label.ToJson());
            }
        }

        sim.Reference.WriteGeoJson(Path.Combine(directory, "ref"));
    }

    /// <summary>One topic's Arrow IPC stream file, written a batch at a time.</summary>
    private sealed class ArrowTopicFile(string path, int batchSize) : IDisposable
    {
        private readonly List<CityEvent> _pending = new(batchSize);
        private FileStream? _file;
        private ArrowStreamWriter? _writer;

        public void Add(CityEvent evt)
        {
            _pending.Add(evt);
            if (_pending.Count >= batchSize)
            {
                Flush();
            }
        }

        public void Complete()
        {
            Flush();
            _writer?.WriteEnd();
        }

        public void Dispose()
        {
            _writer?.Dispose();
            _file?.Dispose();
        }

        private void Flush()
        {
            if (_pending.Count == 0)
            {
                return;
            }

            var bytes = EventCodec.ToArrowBatch(_pending);
            _pending.Clear();
            using var reader = new ArrowStreamReader(bytes);
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                using (batch)
                {
                    if (_writer is null)
                    {
                        _file = Create(path);
                        _writer = new ArrowStreamWriter(_file, batch.Schema, leaveOpen: true);
                    }

                    _writer.WriteRecordBatch(batch);
                }
            }
        }
    }
}
