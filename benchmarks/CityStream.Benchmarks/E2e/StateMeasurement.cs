using System.Diagnostics;
using System.Globalization;
using System.Text;
using CityStream.Engine;

namespace CityStream.Benchmarks.E2e;

/// <summary>
/// State per tracked key: the peers' rule (threshold, tumbling 60 s, count at 5) fed <c>--state-keys</c> distinct keys, two events
/// each, all inside one window, so every key's window stays open and no alert fires. Reports the managed heap growth per key
/// (<see cref="GC.GetTotalMemory(bool)"/> after a full collection, before and after) and the size per key of a full checkpoint of the
/// runtime; the child's peak RSS is polled by the parent.
/// </summary>
internal static class StateMeasurement
{
    public const int EventsPerKey = 2;

    private const long WindowStart = 1_700_000_040_000L; // a multiple of 60,000: the window opens here
    private const long SpreadMs = 50_000; // every event inside the first 50 s of that one window

    public static Measurement Run(E2eOptions o)
    {
        var runtime = PeerRule.TryRuntime(out var why, maxKeys: o.StateKeys * 2)
            ?? throw new InvalidOperationException("the peers' rule does not run: " + why);
        var output = new RuntimeOutput();
        var decoded = new DecodedBatch();
        var schema = PeerWorkload.Schema;
        var origin = new EventOrigin(schema.Topic, 0, 0);
        var total = (long)o.StateKeys * EventsPerKey;

        void Feed(long from, long to)
        {
            for (var j = from; j < to; j++)
            {
                decoded.Clear();
                EventCodec.Decode(schema, Json(j, o.StateKeys, total), null, origin, decoded);
                foreach (var e in decoded.Events)
                {
                    runtime.Process(e, output);
                }

                output.Clear();
            }
        }

        Feed(0, 1); // JIT and the runtime's first-use structures are not state per key
        decoded.Clear();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        Feed(1, total);
        var seconds = clock.Elapsed.TotalSeconds;
        decoded.Clear();
        output.Clear();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        // As the batched Kafka host does: each checkpoint entry is handed on (produced to the changelog) and not kept.
        var store = new CountingStateStore();
        var checkpointClock = Stopwatch.StartNew();
        runtime.Checkpoint(store);
        var checkpointSeconds = checkpointClock.Elapsed.TotalSeconds;
        var checkpointBytes = store.Bytes;
        GC.KeepAlive(runtime);
        return new Measurement
        {
            Name = "state.peer-rule",
            Events = total - 1,
            Seconds = seconds,
            HeapBytesPerKey = (after - before) / (double)o.StateKeys,
            CheckpointBytesPerKey = checkpointBytes / (double)o.StateKeys,
            Note = string.Create(CultureInfo.InvariantCulture,
                $"peers' rule, {o.StateKeys:N0} distinct keys x {EventsPerKey} events, all windows open; heap growth {(after - before) / 1048576.0:0} MiB = {(after - before) / (double)o.StateKeys:0} B/key; full checkpoint {store.Count:N0} entries, {checkpointBytes / 1048576.0:0} MiB = {checkpointBytes / (double)o.StateKeys:0} B/key, written in {checkpointSeconds:0.0} s"),
        };
    }

    /// <summary>Event j: key <c>k{j % keys}</c>, the peers' fields and text, event time spread over the window's first 50 s.</summary>
    private static byte[] Json(long j, int keys, long total) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{{\"id\":\"s{j}\",\"source\":\"hotline\",\"key\":\"k{j % keys}\",\"district\":\"D{j % 9}\",\"category\":\"noise\",\"ts\":{WindowStart + (j * SpreadMs / total)},\"text\":\"{PeerWorkload.Text}\"}}"));

    /// <summary>Counts what a checkpoint writes, keeping nothing.</summary>
    private sealed class CountingStateStore : IRuntimeStateStore
    {
        public long Count { get; private set; }

        public long Bytes { get; private set; }

        public void Put(string key, byte[]? value)
        {
            Count++;
            Bytes += key.Length + (value?.Length ?? 0);
        }

        public IEnumerable<KeyValuePair<string, byte[]>> ReadAll() => [];
    }
}
