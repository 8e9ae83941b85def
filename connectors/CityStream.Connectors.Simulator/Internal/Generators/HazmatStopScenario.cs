using System.Globalization;

namespace CityStream.Connectors.Simulator.Internal.Generators;

/// <summary>
/// Hazmat trucks that drive up, stop 18–40 minutes (GPS noise, a short gap now and then) and drive off: next to a
/// flagged chemical workshop (<see cref="Scenarios.HazmatStopNearFlagged"/>, also an abnormal stop) or somewhere outside
/// every approved zone and far from any workshop (<see cref="Scenarios.HazmatAbnormalStop"/>).
/// </summary>
internal static class HazmatStopScenario
{
    private const long FixIntervalMs = 30_000;
    private const int DriveFixes = 9;
    private const double DriveKmh = 40;

    public static IEnumerable<ScheduledStream> Schedule(SimContext context)
    {
        var length = TimeSpan.FromMinutes(50);
        var nearCount = context.Volumes.ScenarioInstances(40);
        var nearStarts = context.ScheduleStarts(Scenarios.HazmatStopNearFlagged, nearCount, length);
        for (var i = 0; i < nearStarts.Length; i++)
        {
            var instance = i;
            var start = nearStarts[i];
            yield return new ScheduledStream(start, () => Run(context, start, instance, nearFlagged: true));
        }

        var abnormalCount = context.Volumes.ScenarioInstances(60);
        var abnormalStarts = context.ScheduleStarts(Scenarios.HazmatAbnormalStop, abnormalCount, length);
        for (var i = 0; i < abnormalStarts.Length; i++)
        {
            var instance = i;
            var start = abnormalStarts[i];
            yield return new ScheduledStream(start, () => Run(context, start, instance, nearFlagged: false));
        }
    }

    private static IEnumerable<SimEvent> Run(SimContext context, long start, int instance, bool nearFlagged)
    {
        var random = SimRandom.Create(context.Seed, nearFlagged ? "hazmat-near" : "hazmat-abnormal", instance);
        var gps = GpsFields.Instance;
        var plate = Plates.Scenario(context.Seed, nearFlagged ? 0 : 1, instance);
        var vehicleClass = random.Chance(0.6) ? "hazmat_tanker" : "hazmat_truck";
        var world = context.World;
        double lat, lon;
        string place;
        if (nearFlagged)
        {
            var workshop = random.Pick(world.Reference.FlaggedEnterprises);
            var distance = random.Uniform(40, 140);
            var angle = random.NextDouble() * 2 * Math.PI;
            (lat, lon) = CityMap.Offset(workshop.Lat, workshop.Lon, distance * Math.Cos(angle), distance * Math.Sin(angle));
            place = string.Create(CultureInfo.InvariantCulture, $"{workshop.Name}（{workshop.Id}）旁约{distance:0}米");
        }
        else
        {
            do
            {
                (lat, lon) = CityWorld.SamplePopulated(random, 1.5);
            }
            while (world.DistanceToNearestZone(lat, lon) < 1_500 || world.DistanceToNearestFlagged(lat, lon) < 1_500);

            place = "无审批停车区域";
        }

        var stopMs = random.UniformMs(TimeSpan.FromMinutes(18), TimeSpan.FromMinutes(40));
        var arriveHeading = random.Uniform(0, 360);
        var skipApproach = instance == 0;
        var t = start;
        var stopStart = skipApproach ? start : start + (DriveFixes * FixIntervalMs);
        var stopEnd = stopStart + stopMs;
        var labelEnd = Math.Min(stopEnd, context.EndMs);
        var cell = CityMap.CellAt(CityMap.Snap(lat), CityMap.Snap(lon));
        var where = string.Create(CultureInfo.InvariantCulture, $"{CityMap.Districts[CityMap.DistrictOfCell(cell)].Name}{CityMap.CellCode(cell)}");
        if (labelEnd - stopStart >= 15 * 60_000)
        {
            var minutes = (labelEnd - stopStart) / 60_000;
            if (nearFlagged)
            {
                context.Labels.Add(new GroundTruthLabel(Scenarios.HazmatStopNearFlagged, "vehicle_gps", plate, stopStart, labelEnd, null, string.Create(CultureInfo.InvariantCulture, $"{vehicleClass} {plate} 在{where}{place}停留{minutes}分钟")));
            }

            context.Labels.Add(new GroundTruthLabel(Scenarios.HazmatAbnormalStop, "vehicle_gps", plate, stopStart, labelEnd, null, string.Create(CultureInfo.InvariantCulture, $"{vehicleClass} {plate} 在{where}审批停车区外停留{minutes}分钟")));
        }

        var seq = 0;
        var id = nearFlagged ? "vg-hf" : "vg-ha";
        if (!skipApproach)
        {
            var (fromLat, fromLon) = Along(lat, lon, arriveHeading + 180, DriveFixes * FixIntervalMs);
            for (var k = 0; k < DriveFixes; k++, t += FixIntervalMs)
            {
                var f = (double)k / DriveFixes;
                yield return Fix(random, plate, vehicleClass, id, instance, seq++, t, fromLat + ((lat - fromLat) * f), fromLon + ((lon - fromLon) * f), DriveKmh, arriveHeading);
            }
        }

        var stoppedHeading = arriveHeading;
        while (t < stopEnd && t < context.EndMs)
        {
            if (random.Chance(0.03))
            {
                t += random.Next(2, 5) * FixIntervalMs;
                continue;
            }

            yield return Fix(random, plate, vehicleClass, id, instance, seq++, t, lat, lon, random.Uniform(0, 1.2), stoppedHeading);
            t += FixIntervalMs;
        }

        var leaveHeading = random.Uniform(0, 360);
        for (var k = 1; k <= DriveFixes && t < context.EndMs; k++, t += FixIntervalMs)
        {
            var (nLat, nLon) = Along(lat, lon, leaveHeading, k * FixIntervalMs);
            yield return Fix(random, plate, vehicleClass, id, instance, seq++, t, nLat, nLon, DriveKmh, leaveHeading);
        }
    }

    private static (double Lat, double Lon) Along(double lat, double lon, double heading, long ms)
    {
        var meters = DriveKmh * 1000 * ms / 3_600_000.0;
        var rad = heading * Math.PI / 180;
        return CityMap.Offset(lat, lon, meters * Math.Cos(rad), meters * Math.Sin(rad));
    }

    private static SimEvent Fix(Random random, string plate, string vehicleClass, string idPrefix, int instance, int seq, long t, double lat, double lon, double speed, double heading)
    {
        var gps = GpsFields.Instance;
        var evt = gps.Create(string.Create(CultureInfo.InvariantCulture, $"{idPrefix}{instance:0000}-{seq:0000}"), t);
        evt.SetString(gps.Plate, plate);
        evt.SetString(gps.VehicleClass, vehicleClass);
        var (jLat, jLon) = FleetGenerator.Jitter(random, lat, lon);
        gps.SetLocation(evt, jLat, jLon);
        evt.SetNumber(gps.Speed, Math.Round(speed, 1));
        evt.SetNumber(gps.Heading, Math.Round((heading + 360) % 360, 1) % 360);
        return new SimEvent(evt, t, Protected: true);
    }
}
