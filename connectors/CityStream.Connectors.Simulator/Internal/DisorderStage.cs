using System.Globalization;
using CityStream.Engine;

namespace CityStream.Connectors.Simulator.Internal;

/// <summary>
/// Turns hand-over times into send times: a short transmission delay for most events, up to
/// <see cref="SimulatorOptions.MaxDisorder"/> for out-of-order ones, and for a few (not protected) an event time moved
/// back beyond the source's allowed lateness (labelled <see cref="Scenarios.LateEvent"/>). Holds only the events still in flight.
/// </summary>
internal static class DisorderStage
{
    private const long MaxTransmissionMs = 800;

    public static IEnumerable<TimedEvent> Apply(IEnumerable<SimEvent> input, SimContext context)
    {
        var options = context.Options;
        var random = SimRandom.Create(context.Seed, "disorder");
        var maxDisorderMs = Math.Max(MaxTransmissionMs + 1, (long)options.MaxDisorder.TotalMilliseconds);
        var inFlight = new PriorityQueue<TimedEvent, (long EmitMs, long Seq)>();
        long seq = 0;
        foreach (var item in input)
        {
            var lag = random.Chance(options.OutOfOrderRate)
                ? random.NextInt64(MaxTransmissionMs, maxDisorderMs + 1)
                : random.NextInt64(0, MaxTransmissionMs);
            if (!item.Protected && random.Chance(options.LateRate))
            {
                MakeLate(item.Event, item.OrderMs, random, context);
            }

            var emit = item.OrderMs + lag;
            inFlight.Enqueue(new TimedEvent(item.Event, emit, item.Protected), (emit, seq++));
            while (inFlight.TryPeek(out var ready, out var at) && at.EmitMs <= item.OrderMs)
            {
                inFlight.Dequeue();
                yield return ready;
            }
        }

        while (inFlight.TryDequeue(out var rest, out _))
        {
            yield return rest;
        }
    }

    private static void MakeLate(CityEvent evt, long sentAt, Random random, SimContext context)
    {
        var schema = evt.Schema;
        var backBy = (long)schema.AllowedLateness.TotalMilliseconds + random.NextInt64(60_000, 3_600_000);
        var ts = Math.Max(0, sentAt - backBy);
        evt.SetNumber(schema.TimeField.Index, ts);
        context.Labels.Add(new GroundTruthLabel(
            Scenarios.LateEvent,
            schema.Name,
            evt.Format(schema.KeyField),
            ts,
            sentAt,
            evt.Id,
            string.Create(CultureInfo.InvariantCulture, $"event time {(sentAt - ts) / 60_000} min before it is sent; {schema.Name} allows {Durations.Format(schema.AllowedLateness)}")));
    }
}
