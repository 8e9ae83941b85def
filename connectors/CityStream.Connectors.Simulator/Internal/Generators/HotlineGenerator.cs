using System.Globalization;
using CityStream.Engine;

namespace CityStream.Connectors.Simulator.Internal.Generators;

/// <summary>
/// 12345 hotline tickets across the city (~10,000 a day at the default volume), and bursts of gas-smell tickets in
/// one grid (<see cref="Scenarios.GasSmellBurst"/>: 5–8 tickets from 3–5 callers within 15–45 minutes) with
/// near misses (4 tickets, or many from 2 callers) that must not alert.
/// </summary>
internal static class HotlineGenerator
{
    private static readonly string[] Categories = ["other", "noise", "traffic", "water_outage", "power_outage", "environment", "illegal_construction", "fire_hazard", "group_rental", "gas_smell"];
    private static readonly double[] Weights = [0.20, 0.15, 0.12, 0.10, 0.08, 0.13, 0.08, 0.06, 0.04, 0.01];

    public static IEnumerable<SimEvent> Run(SimContext context)
    {
        var random = SimRandom.Create(context.Seed, "hotline");
        var meanGap = context.Volumes.MeanGapMs(Volumes.HotlineShare);
        var t = context.StartMs + (long)random.Exponential(meanGap);
        long seq = 0;
        while (t < context.EndMs)
        {
            var (lat, lon) = CityWorld.SamplePopulated(random);
            var category = Categories[random.PickWeighted(Weights)];
            var id = string.Create(CultureInfo.InvariantCulture, $"hl-{seq++:00000000}");
            yield return new SimEvent(Ticket(random, id, t, category, random.HexId("c_"), lat, lon), t);
            t += 1 + (long)random.Exponential(meanGap);
        }
    }

    public static IEnumerable<ScheduledStream> ScheduleBursts(SimContext context)
    {
        var length = TimeSpan.FromMinutes(50);
        var count = context.Volumes.ScenarioInstances(20);
        var starts = context.ScheduleStarts(Scenarios.GasSmellBurst, count, length);
        for (var i = 0; i < starts.Length; i++)
        {
            var (instance, start) = (i, starts[i]);
            yield return new ScheduledStream(start, () => Burst(context, start, instance, nearMiss: false));
        }

        var misses = context.ScheduleStarts("gas_smell_near_miss", Math.Max(2, count / 2), length);
        for (var i = 0; i < misses.Length; i++)
        {
            var (instance, start) = (i, misses[i]);
            yield return new ScheduledStream(start, () => Burst(context, start, instance, nearMiss: true));
        }
    }

    private static IEnumerable<SimEvent> Burst(SimContext context, long start, int instance, bool nearMiss)
    {
        var random = SimRandom.Create(context.Seed, nearMiss ? "gas-near-miss" : "gas-burst", instance);
        var (lat, lon) = CityWorld.SamplePopulated(random, 0.7);
        var cell = CityMap.CellAt(lat, lon);
        var (cellLat, cellLon) = CityMap.CellCenter(cell);
        var repeatCaller = nearMiss && random.Chance(0.5);
        var tickets = nearMiss ? (repeatCaller ? random.Next(5, 8) : 4) : random.Next(5, 9);
        var callers = new string[nearMiss ? (repeatCaller ? 2 : 4) : random.Next(3, Math.Min(tickets, 5) + 1)];
        for (var c = 0; c < callers.Length; c++)
        {
            callers[c] = random.HexId("c_");
        }

        var span = random.UniformMs(TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(45));
        var times = new long[tickets];
        for (var k = 0; k < tickets; k++)
        {
            times[k] = k == 0 ? start : start + random.NextInt64(0, span);
        }

        Array.Sort(times);
        var last = Math.Min(times[^1], context.EndMs - 1);
        if (!nearMiss && CountBefore(times, context.EndMs) >= 5)
        {
            var district = CityMap.Districts[CityMap.DistrictOfCell(cell)].Name;
            context.Labels.Add(new GroundTruthLabel(
                Scenarios.GasSmellBurst,
                "hotline",
                CityMap.CellCode(cell),
                times[0],
                last,
                null,
                string.Create(CultureInfo.InvariantCulture, $"{district}{CityMap.CellCode(cell)} {(last - times[0]) / 60_000}分钟内{CountBefore(times, context.EndMs)}起燃气异味投诉，{callers.Length}位来电人")));
        }

        for (var k = 0; k < tickets && times[k] < context.EndMs; k++)
        {
            var caller = k < callers.Length ? callers[k] : callers[random.Next(callers.Length)];
            var id = string.Create(CultureInfo.InvariantCulture, $"{(nearMiss ? "hl-gm" : "hl-gb")}{instance:0000}-{k:00}");
            var (pLat, pLon) = (cellLat + random.Uniform(-0.003, 0.003), cellLon + random.Uniform(-0.004, 0.004));
            yield return new SimEvent(Ticket(random, id, times[k], "gas_smell", caller, pLat, pLon), times[k], Protected: !nearMiss);
        }
    }

    private static int CountBefore(long[] times, long endMs)
    {
        var n = 0;
        foreach (var t in times)
        {
            n += t < endMs ? 1 : 0;
        }

        return n;
    }

    private static CityEvent Ticket(Random random, string id, long ts, string category, string caller, double lat, double lon)
    {
        var hotline = HotlineFields.Instance;
        var evt = hotline.Create(id, ts);
        evt.SetString(hotline.CallerId, caller);
        evt.SetString(hotline.Category, category);
        evt.SetString(hotline.Subject, ChineseText.Subject(category));
        var place = random.Chance(0.6) ? random.Pick(ChineseText.Communities) : random.Pick(ChineseText.Roads) + random.Next(1, 300).ToString(CultureInfo.InvariantCulture) + "号";
        evt.SetString(hotline.Text, ChineseText.Fill(random.Pick(ChineseText.HotlineTexts(category)), place));
        evt.SetString(hotline.Department, ChineseText.Department(category));
        hotline.SetLocation(evt, lat, lon);
        return evt;
    }
}
