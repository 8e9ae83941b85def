using System.Globalization;
using CityStream.Engine;

namespace CityStream.Connectors.Simulator.Internal.Generators;

/// <summary>
/// AI alerts from public-security cameras: illegal parking, garbage, crowds and the like, smoke and fire only with
/// low confidence in the background; smoke with confidence ≥ 0.8 comes from the <see cref="Scenarios.VideoSmoke"/> instances.
/// </summary>
internal static class VideoGenerator
{
    private static readonly string[] Types = ["illegal_parking", "garbage", "crowd", "intrusion", "fight", "smoke", "fire"];
    private static readonly double[] Weights = [0.35, 0.20, 0.15, 0.10, 0.05, 0.10, 0.05];

    public static IEnumerable<SimEvent> Run(SimContext context)
    {
        var random = SimRandom.Create(context.Seed, "video");
        var meanGap = context.Volumes.MeanGapMs(Volumes.VideoShare);
        var t = context.StartMs + (long)random.Exponential(meanGap);
        long seq = 0;
        while (t < context.EndMs)
        {
            var type = Types[random.PickWeighted(Weights)];
            var confidence = type is "smoke" or "fire" ? random.Uniform(0.2, 0.78) : random.Uniform(0.5, 0.99);
            var id = string.Create(CultureInfo.InvariantCulture, $"va-{seq++:00000000}");
            yield return new SimEvent(Alert(random.Pick(context.World.Cameras), id, t, type, confidence), t);
            t += 1 + (long)random.Exponential(meanGap);
        }
    }

    public static IEnumerable<ScheduledStream> ScheduleSmoke(SimContext context)
    {
        var count = context.Volumes.ScenarioInstances(50);
        var starts = context.ScheduleStarts(Scenarios.VideoSmoke, count, TimeSpan.FromMinutes(1));
        for (var i = 0; i < starts.Length; i++)
        {
            var (instance, start) = (i, starts[i]);
            yield return new ScheduledStream(start, () => Smoke(context, start, instance));
        }
    }

    private static IEnumerable<SimEvent> Smoke(SimContext context, long start, int instance)
    {
        var random = SimRandom.Create(context.Seed, "smoke", instance);
        var camera = random.Pick(context.World.Cameras);
        var confidence = Math.Round(random.Uniform(0.8, 0.99), 3);
        var id = string.Create(CultureInfo.InvariantCulture, $"va-sm{instance:0000}");
        var evt = Alert(camera, id, start, "smoke", confidence);
        var grid = evt.GetString(VideoFields.Instance.Grid)!;
        context.Labels.Add(new GroundTruthLabel(
            Scenarios.VideoSmoke,
            "video_alert",
            grid,
            start,
            start,
            id,
            string.Create(CultureInfo.InvariantCulture, $"摄像头{camera.Id}在{evt.GetString(VideoFields.Instance.District)}{grid}识别到烟雾，置信度{confidence:0.00}")));
        yield return new SimEvent(evt, start, Protected: true);
    }

    private static CityEvent Alert(Camera camera, string id, long ts, string type, double confidence)
    {
        var video = VideoFields.Instance;
        var evt = video.Create(id, ts);
        evt.SetString(video.CameraId, camera.Id);
        evt.SetString(video.AlertType, type);
        evt.SetNumber(video.Confidence, Math.Round(confidence, 3));
        evt.SetString(video.SnapshotUrl, string.Create(CultureInfo.InvariantCulture, $"https://vss.nantong.example/snapshots/{camera.Id}/{ts}.jpg"));
        video.SetLocation(evt, camera.Lat, camera.Lon);
        return evt;
    }
}
