using System.Globalization;
using CityStream.Engine;

namespace CityStream.Connectors.Simulator.Internal;

/// <summary>
/// Turns sent events (in send order) into records: one JSON event each, or for vehicle_gps and utility when
/// batching, Arrow batches per shard of entities flushed when full or when their oldest event has waited long
/// enough. Then breaks a share of records and re-sends a share of them. Send times stay non-decreasing.
/// </summary>
internal sealed class RecordAssembler
{
    private readonly SimContext _context;
    private readonly Random _mess;
    private readonly ShardBuffer?[] _gps;
    private readonly ShardBuffer?[] _utility;
    private readonly long _gpsWindowMs;
    private readonly long _utilityWindowMs;
    private readonly PriorityQueue<ShardBuffer, (long DeadlineMs, long Seq)> _deadlines = new();
    private long _deadlineSeq;
    private long _lastEmitMs = long.MinValue;

    public RecordAssembler(SimContext context)
    {
        _context = context;
        _mess = SimRandom.Create(context.Seed, "mess");
        var batch = Math.Max(1, context.Options.BatchSize);
        (_gps, _gpsWindowMs) = Shards(context.Volumes.PerDay(Volumes.GpsShare), batch);
        (_utility, _utilityWindowMs) = Shards(context.Volumes.PerDay(Volumes.UtilityShare), batch);
    }

    private bool Batching => _context.Options.BatchSize > 0;

    public IEnumerable<Emission> Assemble(IEnumerable<TimedEvent> input)
    {
        foreach (var item in input)
        {
            while (_deadlines.TryPeek(out var due, out var at) && at.DeadlineMs <= item.EmitMs)
            {
                _deadlines.Dequeue();
                if (due.Generation == at.Seq && due.Events.Count > 0)
                {
                    foreach (var e in Finish(due, at.DeadlineMs))
                    {
                        yield return e;
                    }
                }
            }

            var buffer = Batching ? BufferFor(item.Event) : null;
            if (buffer is null)
            {
                foreach (var e in Finish(Json(item), item.EmitMs))
                {
                    yield return e;
                }

                continue;
            }

            if (buffer.Events.Count == 0)
            {
                buffer.Generation = _deadlineSeq;
                _deadlines.Enqueue(buffer, (item.EmitMs + buffer.WindowMs, _deadlineSeq++));
            }

            buffer.Events.Add(item.Event);
            buffer.Protected.Add(item.Protected);
            if (buffer.Events.Count >= _context.Options.BatchSize)
            {
                buffer.Generation = -1;
                foreach (var e in Finish(buffer, item.EmitMs))
                {
                    yield return e;
                }
            }
        }

        while (_deadlines.TryDequeue(out var due, out var at))
        {
            if (due.Generation == at.Seq && due.Events.Count > 0)
            {
                foreach (var e in Finish(due, Math.Max(_lastEmitMs, at.DeadlineMs)))
                {
                    yield return e;
                }
            }
        }
    }

    private static (ShardBuffer?[] Shards, long WindowMs) Shards(double eventsPerDay, int batchSize)
    {
        var perSecond = eventsPerDay / 86_400;
        var count = (int)Math.Clamp(Math.Round(perSecond * 2 / batchSize), 4, 32);
        var window = (long)Math.Clamp(batchSize / (perSecond / count) * 1000, 1_000, 5_000);
        return (new ShardBuffer?[count], window);
    }

    private ShardBuffer? BufferFor(CityEvent evt)
    {
        var (shards, window) = evt.Schema.Name switch
        {
            "vehicle_gps" => (_gps, _gpsWindowMs),
            "utility" => (_utility, _utilityWindowMs),
            _ => (null, 0L),
        };
        if (shards is null)
        {
            return null;
        }

        var shard = (int)(SimRandom.StableHash(evt.Format(evt.Schema.KeyField)) % (ulong)shards.Length);
        return shards[shard] ??= new ShardBuffer(evt.Schema, string.Create(CultureInfo.InvariantCulture, $"{evt.Schema.Name}/{shard:00}"), window);
    }

    private Emission Json(TimedEvent item)
    {
        var evt = item.Event;
        var schema = evt.Schema;
        var key = evt.Format(schema.KeyField);
        if (!item.Protected && _mess.Chance(_context.Options.MalformedRate))
        {
            var broken = Malformer.BreakJson(evt, _mess);
            return new Emission(new SimulatedRecord(schema.Topic, key, broken, ContentTypes.Json, 0, 1, true), [], broken);
        }

        return new Emission(new SimulatedRecord(schema.Topic, key, EventCodec.ToJson(evt), ContentTypes.Json, 0, 1, false), [evt], null);
    }

    private IEnumerable<Emission> Finish(ShardBuffer buffer, long emitMs)
    {
        var events = buffer.Events.ToArray();
        var protectedRows = buffer.Protected.ToArray();
        buffer.Events.Clear();
        buffer.Protected.Clear();
        return Finish(Arrow(buffer, events, protectedRows), emitMs);
    }

    private Emission Arrow(ShardBuffer buffer, CityEvent[] events, bool[] protectedRows)
    {
        var schema = buffer.Schema;
        if (_mess.Chance(_context.Options.MalformedRate))
        {
            if (Array.IndexOf(protectedRows, true) < 0 && _mess.Chance(0.5))
            {
                var truncated = Malformer.TruncateArrow(EventCodec.ToArrowBatch(events), _mess);
                var brokenLine = EventCodec.ToJson(events[0]);
                return new Emission(new SimulatedRecord(schema.Topic, buffer.Key, truncated, ContentTypes.Arrow, 0, events.Length, true), [], brokenLine[..(brokenLine.Length / 2)]);
            }

            var row = Array.IndexOf(protectedRows, false);
            if (row >= 0)
            {
                Malformer.PutOutOfRange(events[row], _mess);
                var valid = new List<CityEvent>(events.Length - 1);
                for (var i = 0; i < events.Length; i++)
                {
                    if (i != row)
                    {
                        valid.Add(events[i]);
                    }
                }

                return new Emission(new SimulatedRecord(schema.Topic, buffer.Key, EventCodec.ToArrowBatch(events), ContentTypes.Arrow, 0, events.Length, true), valid, EventCodec.ToJson(events[row]));
            }
        }

        return new Emission(new SimulatedRecord(schema.Topic, buffer.Key, EventCodec.ToArrowBatch(events), ContentTypes.Arrow, 0, events.Length, false), events, null);
    }

    private IEnumerable<Emission> Finish(Emission emission, long emitMs)
    {
        _lastEmitMs = Math.Max(_lastEmitMs, emitMs);
        var sent = emission with { Record = emission.Record with { EmitTimeMs = _lastEmitMs } };
        yield return sent;
        if (_mess.Chance(_context.Options.DuplicateRate))
        {
            yield return sent with { Record = sent.Record with { } };
        }
    }

    private sealed class ShardBuffer(SourceSchema schema, string key, long windowMs)
    {
        public SourceSchema Schema { get; } = schema;

        public string Key { get; } = key;

        public long WindowMs { get; } = windowMs;

        public List<CityEvent> Events { get; } = [];

        public List<bool> Protected { get; } = [];

        public long Generation { get; set; } = -1;
    }
}
