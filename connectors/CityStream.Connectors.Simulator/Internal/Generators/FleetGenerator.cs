using System.Globalization;

namespace CityStream.Connectors.Simulator.Internal.Generators;

/// <summary>
/// Background vehicles (buses, taxis, freight, private cars and hazmat trucks) reporting a GPS fix every ~30 s with
/// 10–30 m of noise and occasional silent gaps. Hazmat trucks only make short stops, except when they park inside an
/// approved zone, so every long hazmat stop outside one is a labelled scenario.
/// </summary>
internal static class FleetGenerator
{
    private const long FixIntervalMs = 30_000;
    private static readonly string[] Classes = ["hazmat_tanker", "hazmat_truck", "freight", "bus", "taxi", "private"];
    private static readonly double[] ClassWeights = [0.08, 0.07, 0.20, 0.15, 0.30, 0.20];
    private static readonly double[] CruiseKmh = [38, 40, 45, 22, 32, 38];

    public static IEnumerable<SimEvent> Run(SimContext context)
    {
        var random = SimRandom.Create(context.Seed, "fleet");
        var gps = GpsFields.Instance;
        var used = new HashSet<string>(StringComparer.Ordinal);
        var queue = new PriorityQueue<Vehicle, (long AtMs, int Index)>();
        var count = context.Volumes.Vehicles;
        for (var i = 0; i < count; i++)
        {
            var vehicle = NewVehicle(random, context, used, i);
            queue.Enqueue(vehicle, (vehicle.NextFixMs, i));
        }

        long seq = 0;
        while (queue.TryDequeue(out var v, out var at) && at.AtMs < context.EndMs)
        {
            var now = at.AtMs;
            Advance(v, now, random, context);
            if (now >= v.SilentUntilMs)
            {
                if (random.Chance(0.002))
                {
                    v.SilentUntilMs = now + random.UniformMs(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(8));
                }

                var evt = gps.Create(string.Create(CultureInfo.InvariantCulture, $"vg-{seq++:000000000}"), now);
                evt.SetString(gps.Plate, v.Plate);
                evt.SetString(gps.VehicleClass, Classes[v.ClassIndex]);
                var (lat, lon) = Jitter(random, v.Lat, v.Lon);
                gps.SetLocation(evt, lat, lon);
                var moving = now >= v.StoppedUntilMs;
                evt.SetNumber(gps.Speed, Math.Round(moving ? Math.Max(0, v.SpeedKmh + (random.Gaussian() * 3)) : random.Uniform(0, 1.5), 1));
                evt.SetNumber(gps.Heading, Math.Round(v.Heading, 1) % 360);
                yield return new SimEvent(evt, now);
            }

            v.NextFixMs = now + FixIntervalMs + random.Next(-400, 400);
            queue.Enqueue(v, (v.NextFixMs, v.Index));
        }
    }

    /// <summary>A GPS reading of a true position: off by 10–30 m in a random direction.</summary>
    public static (double Lat, double Lon) Jitter(Random random, double lat, double lon)
    {
        var distance = random.Uniform(10, 30);
        var angle = random.NextDouble() * 2 * Math.PI;
        return CityMap.Offset(lat, lon, distance * Math.Cos(angle), distance * Math.Sin(angle));
    }

    private static Vehicle NewVehicle(Random random, SimContext context, HashSet<string> used, int index)
    {
        var (lat, lon) = CityWorld.SamplePopulated(random, 1.3);
        var classIndex = random.PickWeighted(ClassWeights);
        var firstFixMs = context.StartMs + random.Next(0, (int)FixIntervalMs);
        var vehicle = new Vehicle
        {
            Index = index,
            Plate = Plates.Background(random, used),
            ClassIndex = classIndex,
            Lat = lat,
            Lon = lon,
            Heading = random.Uniform(0, 360),
            SpeedKmh = CruiseKmh[classIndex],
            NextFixMs = firstFixMs,
            LastMoveMs = firstFixMs,
        };
        if (vehicle.IsHazmat && random.Chance(0.3))
        {
            Park(vehicle, context.World.NearestZone(lat, lon), context, random, context.StartMs);
        }

        return vehicle;
    }

    private static void Advance(Vehicle v, long now, Random random, SimContext context)
    {
        var dtHours = Math.Max(0, now - v.LastMoveMs) / 3_600_000.0;
        v.LastMoveMs = now;
        if (now < v.StoppedUntilMs)
        {
            return;
        }

        if (v.TargetZone >= 0)
        {
            var zone = context.World.Reference.ApprovedZones[v.TargetZone];
            var (zLat, zLon) = ((zone.South + zone.North) / 2, (zone.West + zone.East) / 2);
            var distance = CityMap.Distance(v.Lat, v.Lon, zLat, zLon);
            var step = v.SpeedKmh * 1000 * dtHours;
            if (distance <= step + 60)
            {
                Park(v, v.TargetZone, context, random, now);
                return;
            }

            v.Heading = CityMap.Bearing(v.Lat, v.Lon, zLat, zLon);
            Move(v, step);
            return;
        }

        v.Heading = (v.Heading + (random.Gaussian() * 20) + 360) % 360;
        v.SpeedKmh = Math.Clamp(CruiseKmh[v.ClassIndex] + (random.Gaussian() * 6), 5, 90);
        Move(v, v.SpeedKmh * 1000 * dtHours);
        if (!CityMap.Inside(v.Lat, v.Lon, 2_000))
        {
            v.Heading = CityMap.Bearing(v.Lat, v.Lon, (CityMap.SouthLat + CityMap.NorthLat) / 2, (CityMap.WestLon + CityMap.EastLon) / 2);
        }

        if (v.IsHazmat)
        {
            if (now - v.ParkedAtMs > 3_600_000 && random.Chance(0.004))
            {
                v.TargetZone = context.World.NearestZone(v.Lat, v.Lon);
            }
            else if (random.Chance(0.01))
            {
                v.StoppedUntilMs = now + random.UniformMs(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(4));
            }
        }
        else if (random.Chance(v.ClassIndex == 5 ? 0.006 : 0.02))
        {
            var longest = v.ClassIndex == 5 ? TimeSpan.FromMinutes(90) : TimeSpan.FromMinutes(5);
            v.StoppedUntilMs = now + random.UniformMs(TimeSpan.FromSeconds(30), longest);
        }
    }

    private static void Move(Vehicle v, double meters)
    {
        var rad = v.Heading * Math.PI / 180;
        (v.Lat, v.Lon) = CityMap.Offset(v.Lat, v.Lon, meters * Math.Cos(rad), meters * Math.Sin(rad));
    }

    private static void Park(Vehicle v, int zoneIndex, SimContext context, Random random, long now)
    {
        var zone = context.World.Reference.ApprovedZones[zoneIndex];
        (v.Lat, v.Lon) = CityMap.Offset((zone.South + zone.North) / 2, (zone.West + zone.East) / 2, random.Uniform(-50, 50), random.Uniform(-50, 50));
        v.StoppedUntilMs = now + random.UniformMs(TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(70));
        v.ParkedAtMs = v.StoppedUntilMs;
        v.TargetZone = -1;
        v.SpeedKmh = CruiseKmh[v.ClassIndex];
    }

    private sealed class Vehicle
    {
        public int Index { get; init; }

        public required string Plate { get; init; }

        public int ClassIndex { get; init; }

        public bool IsHazmat => ClassIndex <= 1;

        public double Lat { get; set; }

        public double Lon { get; set; }

        public double Heading { get; set; }

        public double SpeedKmh { get; set; }

        public long NextFixMs { get; set; }

        public long LastMoveMs { get; set; }

        public long StoppedUntilMs { get; set; }

        public long SilentUntilMs { get; set; }

        public long ParkedAtMs { get; set; }

        public int TargetZone { get; set; } = -1;
    }
}
