using System.Diagnostics;
using CityStream.Connectors.Simulator;
using CityStream.Engine;

namespace CityStream.Benchmarks.E2e;

/// <summary>The in-process, one-thread measurements; each runs in its own child process (so its peak RSS is its own).</summary>
internal static class InProcessMeasurements
{
    private const int WarmEvents = 200_000; // as the Esper peer: let the JIT compile the path first

    /// <summary>The peers' rule on events already decoded (CityStream's <see cref="CityEvent"/>), like Esper on its beans.</summary>
    public static Measurement Decoded(E2eOptions o, bool handWritten = false)
    {
        var events = DecodeAll(o);
        var why = "forced for comparison";
        var runtime = handWritten ? null : PeerRule.TryRuntime(out why);
        var output = new RuntimeOutput();
        var counter = new WindowCounter(PeerWorkload.Schema, PeerRule.WindowMs, PeerRule.Threshold);
        Action<CityEvent> step = runtime is null ? counter.OnEvent : e => { runtime.Process(e, output); output.Clear(); };
        var warm = Math.Min(WarmEvents, events.Length / 10);
        for (var i = 0; i < warm; i++)
        {
            step(events[i]);
        }

        var clock = PassClock.StartNew();
        for (var i = warm; i < events.Length; i++)
        {
            step(events[i]);
        }

        return Result(handWritten ? "inproc.peer-rule.decoded.hand-written" : "inproc.peer-rule.decoded", events.Length - warm, clock, runtime, why, counter);
    }

    /// <summary>RuleRuntime.Process with one match rule the events never meet: the runtime's own cost per event (watermark, dispatch, condition, metrics).</summary>
    public static Measurement RuntimeDispatch(E2eOptions o)
    {
        const string pack = """
            pack: dispatch
            rules:
              - id: dispatch.gas
                kind: match
                source: peer_event
                where: category == 'gas_smell'
                key: key
                severity: low
                alert: { title: "gas {key}", suppress: 1m }
            """;
        var events = DecodeAll(o);
        var runtime = new RuleRuntime(RulePacks.Compile([("dispatch.yaml", pack)], PeerWorkload.Registry));
        var output = new RuntimeOutput();
        var warm = Math.Min(WarmEvents, events.Length / 10);
        for (var i = 0; i < warm; i++)
        {
            runtime.Process(events[i], output);
        }

        var clock = PassClock.StartNew();
        for (var i = warm; i < events.Length; i++)
        {
            runtime.Process(events[i], output);
        }

        return new Measurement { Name = "inproc.runtime-dispatch.decoded", Events = events.Length - warm, Seconds = clock.Elapsed.TotalSeconds, Note = "RuleRuntime.Process, one match rule that never fires; " + clock.Allocations(events.Length - warm) };
    }

    /// <summary>The peers' rule on the peers' JSON records: CityStream decode (validating) + the rule, one thread.</summary>
    public static Measurement Json(E2eOptions o)
    {
        var records = new byte[o.N][];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = PeerWorkload.Json(i, o.Keys);
        }

        var runtime = PeerRule.TryRuntime(out var why);
        var output = new RuntimeOutput();
        var counter = new WindowCounter(PeerWorkload.Schema, PeerRule.WindowMs, PeerRule.Threshold);
        var decoded = new DecodedBatch();
        var schema = PeerWorkload.Schema;
        var origin = new EventOrigin(schema.Topic, 0, 0);
        // As both hosts decode: only the strings the rules read (runtime null: the hand-written count, which reads the key only).
        var keep = runtime?.FieldsRead(schema) ?? ulong.MaxValue;
        var asBytes = runtime?.StringsReadLater(schema) ?? 0;
        void Step(byte[] record)
        {
            decoded.Clear();
            EventCodec.Decode(schema, record, null, origin, decoded, keep, asBytes);
            foreach (var e in decoded.Events)
            {
                if (runtime is null)
                {
                    counter.OnEvent(e);
                }
                else
                {
                    runtime.Process(e, output);
                    output.Clear();
                }
            }

            // As both hosts do: the events nothing kept are filled again by the next record.
            decoded.RecycleEvents();
        }

        var warm = Math.Min(WarmEvents, records.Length / 10);
        for (var i = 0; i < warm; i++)
        {
            Step(records[i]);
        }

        var clock = PassClock.StartNew();
        for (var i = warm; i < records.Length; i++)
        {
            Step(records[i]);
        }

        return Result("inproc.peer-rule.json", records.Length - warm, clock, runtime, why, counter);
    }

    /// <summary>The peers' rule on Arrow batches of the same events, decoding included.</summary>
    public static Measurement Arrow(E2eOptions o)
    {
        var batches = new List<byte[]>();
        for (long from = 0; from < o.N; from += o.Batch)
        {
            batches.Add(PeerWorkload.ArrowBatch(from, (int)Math.Min(o.Batch, o.N - from), o.Keys));
        }

        var runtime = PeerRule.TryRuntime(out var why);
        var output = new RuntimeOutput();
        var counter = new WindowCounter(PeerWorkload.Schema, PeerRule.WindowMs, PeerRule.Threshold);
        var decoded = new DecodedBatch();
        var schema = PeerWorkload.Schema;
        var origin = new EventOrigin(schema.Topic, 0, 0);
        var keep = runtime?.FieldsRead(schema) ?? ulong.MaxValue;
        var asBytes = runtime?.StringsReadLater(schema) ?? 0;
        long Step(byte[] batch)
        {
            decoded.Clear();
            EventCodec.Decode(schema, batch, ContentTypes.Arrow, origin, decoded, keep, asBytes);
            foreach (var e in decoded.Events)
            {
                if (runtime is null)
                {
                    counter.OnEvent(e);
                }
                else
                {
                    runtime.Process(e, output);
                    output.Clear();
                }
            }

            // As both hosts do: the events nothing kept are filled again by the next record.
            decoded.RecycleEvents();

            return decoded.Events.Count;
        }

        var warmBatches = Math.Min(WarmEvents / o.Batch, batches.Count / 10);
        for (var i = 0; i < warmBatches; i++)
        {
            Step(batches[i]);
        }

        long events = 0;
        var clock = PassClock.StartNew();
        for (var i = warmBatches; i < batches.Count; i++)
        {
            events += Step(batches[i]);
        }

        var result = Result("inproc.peer-rule.arrow", events, clock, runtime, why, counter);
        return result with { Note = $"Arrow batches of {o.Batch}, decode included; " + result.Note };
    }

    /// <summary>The plain limit on the same JSON records.</summary>
    public static Measurement Plain(E2eOptions o)
    {
        var records = new byte[o.N][];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = PeerWorkload.Json(i, o.Keys);
        }

        var plain = new PlainLimit();
        var warm = Math.Min(WarmEvents, records.Length / 10);
        for (var i = 0; i < warm; i++)
        {
            plain.OnRecord(records[i]);
        }

        var clock = PassClock.StartNew();
        for (var i = warm; i < records.Length; i++)
        {
            plain.OnRecord(records[i]);
        }

        return new Measurement { Name = "inproc.plain-limit.json", Events = records.Length - warm, Seconds = clock.Elapsed.TotalSeconds, Note = $"System.Text.Json source-generated + Dictionary count, {plain.Keys} keys; " + clock.Allocations(records.Length - warm) };
    }

    /// <summary>All shipped packs through the in-process host over a simulated city, JSON records or Arrow batches for GPS and utility.</summary>
    public static async Task<Measurement> PacksAsync(E2eOptions o, bool arrow)
    {
        var simulator = new CitySimulator(new SimulatorOptions { EventsPerDay = o.SimEvents, BatchSize = arrow ? o.Batch : 0 });
        var records = new List<InputRecord>();
        var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var r in simulator.Generate())
        {
            offsets.TryGetValue(r.Topic, out var offset);
            offsets[r.Topic] = offset + 1;
            records.Add(new InputRecord(r.Topic, 0, offset, r.Value, r.ContentType));
        }

        var runtime = new RuleRuntime(RulePacks.Shipped());
        var host = new InProcessHost(runtime, [], null);
        var chunk = new List<InputRecord>(500);
        var clock = PassClock.StartNew();
        foreach (var record in records)
        {
            chunk.Add(record);
            if (chunk.Count == chunk.Capacity)
            {
                await host.ProcessAsync(chunk, CancellationToken.None).ConfigureAwait(false);
                chunk.Clear();
            }
        }

        await host.ProcessAsync(chunk, CancellationToken.None).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        return new Measurement
        {
            Name = arrow ? "inproc.all-packs.arrow" : "inproc.all-packs.json",
            Events = host.EventsIn,
            Seconds = elapsed.TotalSeconds,
            Note = $"{runtime.Rules.Packs.Count} packs, {records.Count:N0} records, {host.AlertsEmitted:N0} alerts, {host.DeadLettered:N0} dead letters"
                + (arrow ? $", GPS/utility in Arrow batches of up to {o.Batch}" : ", one JSON event per record") + "; " + clock.Allocations(host.EventsIn),
        };
    }

    private static CityEvent[] DecodeAll(E2eOptions o)
    {
        var decoded = new DecodedBatch();
        var schema = PeerWorkload.Schema;
        var origin = new EventOrigin(schema.Topic, 0, 0);
        for (var i = 0; i < o.N; i++)
        {
            EventCodec.Decode(schema, PeerWorkload.Json(i, o.Keys), null, origin, decoded);
        }

        return [.. decoded.Events];
    }

    private static Measurement Result(string name, long events, PassClock clock, RuleRuntime? runtime, string why, WindowCounter counter) => new()
    {
        Name = name,
        Events = events,
        Seconds = clock.Elapsed.TotalSeconds,
        Note = (runtime is not null
            ? "real pack (kind: threshold) through RuleRuntime.Process"
            : $"HAND-WRITTEN threshold equivalent (engine: {why}); {counter.Alerts:N0} window alerts, {counter.Keys:N0} keys") + "; " + clock.Allocations(events),
    };
}
