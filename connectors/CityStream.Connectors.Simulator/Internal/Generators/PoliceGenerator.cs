using System.Globalization;
using CityStream.Engine;

namespace CityStream.Connectors.Simulator.Internal.Generators;

/// <summary>
/// Police events: minor ones in the background, and major ones (the eight major classes) as scenario instances,
/// half of them followed by a grid report about them (<c>related_event_id</c>) well within 24 h
/// (<see cref="Scenarios.ReportedMajorEvent"/>), half never reported (<see cref="Scenarios.UnreportedMajorEvent"/>).
/// </summary>
internal static class PoliceGenerator
{
    private static readonly string[] MinorClasses = ["minor_dispute", "theft", "traffic_accident", "other"];
    private static readonly string[] MajorClasses = ["dispute_turned_criminal", "mass_incident", "extreme_act", "domestic_violence_escalated", "school_safety", "hazmat_accident", "fire_casualty", "missing_vulnerable_person"];

    public static IEnumerable<SimEvent> Run(SimContext context)
    {
        var random = SimRandom.Create(context.Seed, "police");
        var meanGap = context.Volumes.MeanGapMs(Volumes.PoliceShare);
        var t = context.StartMs + (long)random.Exponential(meanGap);
        long seq = 0;
        while (t < context.EndMs)
        {
            var (lat, lon) = CityWorld.SamplePopulated(random);
            var id = string.Create(CultureInfo.InvariantCulture, $"pe-{seq:00000000}");
            yield return new SimEvent(Event(random, id, CaseNo(t, seq++), t, random.Pick(MinorClasses), false, lat, lon), t);
            t += 1 + (long)random.Exponential(meanGap);
        }
    }

    public static IEnumerable<ScheduledStream> ScheduleMajor(SimContext context)
    {
        var count = context.Volumes.ScenarioInstances(30);
        var length = TimeSpan.FromMinutes(2);
        foreach (var reported in new[] { false, true })
        {
            var scenario = reported ? Scenarios.ReportedMajorEvent : Scenarios.UnreportedMajorEvent;
            var starts = context.ScheduleStarts(scenario, count, length);
            for (var i = 0; i < starts.Length; i++)
            {
                var (instance, start) = (i, starts[i]);
                yield return new ScheduledStream(start, () => Major(context, start, instance, reported));
            }
        }
    }

    private static IEnumerable<SimEvent> Major(SimContext context, long start, int instance, bool reported)
    {
        var random = SimRandom.Create(context.Seed, reported ? "major-reported" : "major-unreported", instance);
        var (lat, lon) = CityWorld.SamplePopulated(random);
        var eventClass = random.Pick(MajorClasses);
        var id = string.Create(CultureInfo.InvariantCulture, $"pe-{(reported ? "mr" : "mu")}{instance:0000}");
        var evt = Event(random, id, CaseNo(start, 90_000_000 + (instance * 2) + (reported ? 1 : 0)), start, eventClass, true, lat, lon);
        var police = PoliceFields.Instance;
        var grid = evt.GetString(police.Grid)!;
        var district = evt.GetString(police.District)!;
        var summary = evt.GetString(police.Summary)!;
        long reportAt = 0;
        if (reported)
        {
            var latest = Math.Clamp(context.EndMs - start - 60_000, 120_000, 20 * 3_600_000L);
            reportAt = start + random.NextInt64(120_000, latest + 1);
        }

        context.Labels.Add(new GroundTruthLabel(
            reported ? Scenarios.ReportedMajorEvent : Scenarios.UnreportedMajorEvent,
            "police_event",
            grid,
            start,
            reported ? reportAt : start + 86_400_000,
            id,
            reported
                ? string.Create(CultureInfo.InvariantCulture, $"{district}{grid} {eventClass}：{summary}；网格员{(reportAt - start) / 60_000}分钟后上报")
                : $"{district}{grid} {eventClass}：{summary}；24小时内无网格上报"));
        yield return new SimEvent(evt, start, Protected: true);
        if (reported)
        {
            yield return new SimEvent(GridReportGenerator.Related(random, evt, reportAt), reportAt, Protected: true);
        }
    }

    private static string CaseNo(long ts, long seq) =>
        string.Create(CultureInfo.InvariantCulture, $"J3206{DateTimeOffset.FromUnixTimeMilliseconds(ts).ToOffset(TimeSpan.FromHours(8)):yyyyMMdd}{seq % 100_000_000:00000000}");

    private static CityEvent Event(Random random, string id, string caseNo, long ts, string eventClass, bool major, double lat, double lon)
    {
        var police = PoliceFields.Instance;
        var evt = police.Create(id, ts);
        evt.SetString(police.CaseNo, caseNo);
        evt.SetString(police.EventClass, eventClass);
        evt.SetNumber(police.Major, major ? 1 : 0);
        var place = random.Pick(ChineseText.Roads) + random.Next(1, 300).ToString(CultureInfo.InvariantCulture) + "号";
        evt.SetString(police.Summary, ChineseText.Fill(random.Pick(ChineseText.PoliceSummaries(eventClass)), place));
        police.SetLocation(evt, lat, lon);
        return evt;
    }
}
