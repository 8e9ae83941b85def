using System.Globalization;
using CityStream.Engine;

namespace CityStream.Connectors.Simulator.Internal.Generators;

/// <summary>
/// Grid workers' reports. A fifth are filed hours after what they describe (event time 1–12 h before they are sent,
/// within the source's 24 h lateness). Background reports never carry <c>related_event_id</c> and never use the
/// categories of major-event reports (dispute, mass_incident, hazmat), so they cannot pass for one.
/// </summary>
internal static class GridReportGenerator
{
    private static readonly string[] Categories = ["fire_hazard", "group_rental", "environment", "safety", "other"];
    private static readonly double[] Weights = [0.2, 0.1, 0.25, 0.2, 0.25];

    public static IEnumerable<SimEvent> Run(SimContext context)
    {
        var random = SimRandom.Create(context.Seed, "grid-report");
        var meanGap = context.Volumes.MeanGapMs(Volumes.GridReportShare);
        var t = context.StartMs + (long)random.Exponential(meanGap);
        long seq = 0;
        while (t < context.EndMs)
        {
            var (lat, lon) = CityWorld.SamplePopulated(random);
            var ts = random.Chance(0.2) ? t - random.NextInt64(3_600_000, 12 * 3_600_000L) : t;
            var category = Categories[random.PickWeighted(Weights)];
            var id = string.Create(CultureInfo.InvariantCulture, $"gr-{seq++:00000000}");
            yield return new SimEvent(Report(random, id, ts, category, null, lat, lon), t);
            t += 1 + (long)random.Exponential(meanGap);
        }
    }

    /// <summary>The grid report about a major police event, in its grid, sent (and stamped) at <paramref name="ts"/>.</summary>
    public static CityEvent Related(Random random, CityEvent policeEvent, long ts)
    {
        var police = PoliceFields.Instance;
        var category = policeEvent.GetString(police.EventClass) switch
        {
            "mass_incident" => "mass_incident",
            "hazmat_accident" => "hazmat",
            "fire_casualty" => "fire_hazard",
            "school_safety" or "missing_vulnerable_person" => "safety",
            _ => "dispute",
        };
        var id = "gr-" + policeEvent.Id;
        return Report(random, id, ts, category, policeEvent.Id, policeEvent.GetNumber(police.Lat), policeEvent.GetNumber(police.Lon));
    }

    private static CityEvent Report(Random random, string id, long ts, string category, string? relatedEventId, double lat, double lon)
    {
        var grid = GridReportFields.Instance;
        var evt = grid.Create(id, ts);
        grid.SetLocation(evt, lat, lon);
        var cell = evt.GetString(grid.Grid)!;
        evt.SetString(grid.WorkerId, "W-" + cell);
        evt.SetString(grid.Category, category);
        var place = random.Pick(ChineseText.Communities);
        evt.SetString(grid.Text, ChineseText.Fill(random.Pick(ChineseText.GridReportTexts(category)), place));
        if (relatedEventId is not null)
        {
            evt.SetString(grid.RelatedEventId, relatedEventId);
        }

        return evt;
    }
}
