using System.Globalization;

namespace CityStream.Connectors.Simulator.Internal.Generators;

/// <summary>
/// Smart meters of every household reading water, electricity and (most) gas every 15 minutes, and a daily parcel
/// count per address pushed by the delivery platforms early in the run. Group rentals
/// (<see cref="Scenarios.GroupRental"/>) use 3–6 times the water and electricity and get many parcels; a few large
/// families use more too but get few parcels (the negatives).
/// </summary>
internal static class UtilityGenerator
{
    private const long ReadingIntervalMs = 15 * 60_000;
    private const long DayMs = 86_400_000;

    public static IEnumerable<SimEvent> Run(SimContext context)
    {
        var random = SimRandom.Create(context.Seed, "utility");
        var utility = UtilityFields.Instance;
        var households = context.World.Reference.Households;
        var profiles = new Profile[households.Count];
        var groupRentals = Math.Max(Volumes.MinScenarioInstances, (int)Math.Round(households.Count * 0.03));
        var queue = new PriorityQueue<int, (long AtMs, int Task)>();
        for (var i = 0; i < households.Count; i++)
        {
            profiles[i] = new Profile(1.0, random.Uniform(0, 3), !random.Chance(0.2), false);
        }

        for (var n = 0; n < groupRentals; n++)
        {
            var i = (int)((n * (long)households.Count) / groupRentals) + random.Next(0, Math.Max(1, households.Count / groupRentals));
            i = Math.Min(i, households.Count - 1);
            var scale = random.Uniform(3, 6);
            profiles[i] = new Profile(scale, random.Uniform(8, 25), true, true);
            var h = households[i];
            context.Labels.Add(new GroundTruthLabel(
                Scenarios.GroupRental,
                "utility",
                h.Id,
                context.StartMs,
                context.EndMs,
                null,
                string.Create(CultureInfo.InvariantCulture, $"{h.Address} 登记{h.RegisteredResidents}人，实住约{Math.Round(scale * 2.5)}人，日均快递{profiles[i].ParcelsPerDay:0}件")));
        }

        for (var i = 0; i < households.Count; i++)
        {
            if (!profiles[i].GroupRental && random.Chance(0.05))
            {
                profiles[i] = profiles[i] with { UsageScale = random.Uniform(2, 2.8) };
            }

            queue.Enqueue(i, (context.StartMs + random.NextInt64(0, ReadingIntervalMs), i * 2));
            queue.Enqueue(i, (context.StartMs + random.NextInt64(0, 10 * 60_000), (i * 2) + 1));
        }

        long seq = 0;
        while (queue.TryDequeue(out var index, out var at) && at.AtMs < context.EndMs)
        {
            var h = households[index];
            var p = profiles[index];
            var parcel = (at.Task & 1) == 1;
            if (parcel)
            {
                var count = Math.Max(0, Math.Round(p.ParcelsPerDay + (random.Gaussian() * Math.Sqrt(p.ParcelsPerDay + 0.5))));
                yield return new SimEvent(Reading(utility, h, "parcel", count, 86_400, at.AtMs, seq++), at.AtMs, p.GroupRental);
                queue.Enqueue(index, (at.AtMs + DayMs, at.Task));
                continue;
            }

            var diurnal = Diurnal(at.AtMs);
            var water = 0.3 / 96 * p.UsageScale * diurnal * random.Uniform(0.6, 1.4);
            var electricity = 8.0 / 96 * p.UsageScale * diurnal * random.Uniform(0.7, 1.3);
            yield return new SimEvent(Reading(utility, h, "water", Math.Round(water, 4), 900, at.AtMs, seq++), at.AtMs, p.GroupRental);
            yield return new SimEvent(Reading(utility, h, "electricity", Math.Round(electricity, 3), 900, at.AtMs, seq++), at.AtMs, p.GroupRental);
            if (p.HasGas)
            {
                var gas = 0.5 / 96 * Math.Sqrt(p.UsageScale) * diurnal * random.Uniform(0.5, 1.5);
                yield return new SimEvent(Reading(utility, h, "gas", Math.Round(gas, 4), 900, at.AtMs, seq++), at.AtMs, p.GroupRental);
            }

            queue.Enqueue(index, (at.AtMs + ReadingIntervalMs, at.Task));
        }
    }

    /// <summary>Use over the day in Nantong local time (UTC+8): low at night, peaks morning and evening.</summary>
    private static double Diurnal(long ms)
    {
        var hour = ((ms / 3_600_000) + 8) % 24;
        return hour switch
        {
            < 6 => 0.35,
            < 9 => 1.5,
            < 17 => 0.9,
            < 23 => 1.6,
            _ => 0.6,
        };
    }

    private static Engine.CityEvent Reading(UtilityFields utility, Household h, string kind, double value, int periodS, long ts, long seq)
    {
        var evt = utility.Create(string.Create(CultureInfo.InvariantCulture, $"ut-{seq:000000000}"), ts);
        evt.SetString(utility.DwellingId, h.Id);
        evt.SetString(utility.Kind, kind);
        evt.SetNumber(utility.Value, value);
        evt.SetNumber(utility.PeriodS, periodS);
        utility.SetLocation(evt, h.Lat, h.Lon);
        return evt;
    }

    private readonly record struct Profile(double UsageScale, double ParcelsPerDay, bool HasGas, bool GroupRental);
}
