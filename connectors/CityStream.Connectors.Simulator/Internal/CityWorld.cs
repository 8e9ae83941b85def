using System.Globalization;

namespace CityStream.Connectors.Simulator.Internal;

/// <summary>The fixed world of a run: reference layers, cameras, and where things happen.</summary>
internal sealed class CityWorld
{
    private static readonly double[] DistrictWeights = [0.30, 0.17, 0.13, 0.09, 0.10, 0.13, 0.08];
    private static readonly double[] DistrictSpreadKm = [2.5, 4.5, 4.5, 5.0, 4.5, 4.5, 4.5];

    private CityWorld(ReferenceData reference, IReadOnlyList<Camera> cameras)
    {
        Reference = reference;
        Cameras = cameras;
    }

    public ReferenceData Reference { get; }

    public IReadOnlyList<Camera> Cameras { get; }

    public static CityWorld Build(int seed, Volumes volumes)
    {
        var random = SimRandom.Create(seed, "world");
        var districtCells = new int[CityMap.Districts.Length];
        var grids = new GridCell[CityMap.CellCount];
        for (var cell = 0; cell < grids.Length; cell++)
        {
            var d = CityMap.DistrictOfCell(cell);
            districtCells[d]++;
            var row = cell / CityMap.Cols;
            var col = cell % CityMap.Cols;
            grids[cell] = new GridCell(
                CityMap.CellCode(cell),
                row,
                col,
                CityMap.Districts[d].Name,
                (CityMap.SouthMicro + (row * CityMap.CellLatMicro)) / 1e6,
                (CityMap.WestMicro + (col * CityMap.CellLonMicro)) / 1e6,
                (CityMap.SouthMicro + ((row + 1) * CityMap.CellLatMicro)) / 1e6,
                (CityMap.WestMicro + ((col + 1) * CityMap.CellLonMicro)) / 1e6);
        }

        var districts = new DistrictArea[CityMap.Districts.Length];
        for (var d = 0; d < districts.Length; d++)
        {
            districts[d] = new DistrictArea(CityMap.Districts[d].Code, CityMap.Districts[d].Name, districtCells[d]);
        }

        var zones = BuildZones(random);
        var enterprises = BuildEnterprises(random, zones);
        var households = BuildHouseholds(random, volumes.Households);
        var cameras = BuildCameras(random, volumes.Cameras);
        return new CityWorld(new ReferenceData(districts, grids, zones, enterprises, households), cameras);
    }

    /// <summary>A location where people live and work: around a district centre, denser in 崇川区.</summary>
    public static (double Lat, double Lon) SamplePopulated(Random random, double spreadFactor = 1.0)
    {
        while (true)
        {
            var d = random.PickWeighted(DistrictWeights);
            var info = CityMap.Districts[d];
            var spread = DistrictSpreadKm[d] * 1000 * spreadFactor;
            var (lat, lon) = CityMap.Offset(info.CenterLat, info.CenterLon, random.Gaussian() * spread, random.Gaussian() * spread);
            if (CityMap.Inside(lat, lon, 1_500))
            {
                return (CityMap.Snap(lat), CityMap.Snap(lon));
            }
        }
    }

    public bool InApprovedZone(double lat, double lon)
    {
        foreach (var zone in Reference.ApprovedZones)
        {
            if (zone.Contains(lat, lon))
            {
                return true;
            }
        }

        return false;
    }

    public double DistanceToNearestZone(double lat, double lon)
    {
        var best = double.MaxValue;
        foreach (var zone in Reference.ApprovedZones)
        {
            best = Math.Min(best, CityMap.Distance(lat, lon, (zone.South + zone.North) / 2, (zone.West + zone.East) / 2));
        }

        return best;
    }

    public double DistanceToNearestFlagged(double lat, double lon)
    {
        var best = double.MaxValue;
        foreach (var e in Reference.FlaggedEnterprises)
        {
            best = Math.Min(best, CityMap.Distance(lat, lon, e.Lat, e.Lon));
        }

        return best;
    }

    public int NearestZone(double lat, double lon)
    {
        var best = 0;
        var bestDistance = double.MaxValue;
        for (var i = 0; i < Reference.ApprovedZones.Count; i++)
        {
            var zone = Reference.ApprovedZones[i];
            var distance = CityMap.Distance(lat, lon, (zone.South + zone.North) / 2, (zone.West + zone.East) / 2);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = i;
            }
        }

        return best;
    }

    private static ApprovedZone[] BuildZones(Random random)
    {
        const int Count = 50;
        var zones = new ApprovedZone[Count];
        for (var i = 0; i < Count; i++)
        {
            var park = ChineseText.ChemicalParks[i % ChineseText.ChemicalParks.Length];
            var (lat, lon) = CityMap.Offset(park.Lat, park.Lon, random.Uniform(-1_800, 1_800), random.Uniform(-1_800, 1_800));
            var half = random.Uniform(180, 260);
            var (south, west) = CityMap.Offset(lat, lon, -half, -half);
            var (north, east) = CityMap.Offset(lat, lon, half, half);
            var cell = CityMap.CellAt(CityMap.Snap(lat), CityMap.Snap(lon));
            var number = (i / ChineseText.ChemicalParks.Length) + 1;
            zones[i] = new ApprovedZone(
                string.Create(CultureInfo.InvariantCulture, $"AZ{i + 1:000}"),
                string.Create(CultureInfo.InvariantCulture, $"{park.Name}危化品车辆停车场{number}号"),
                park.Kind,
                CityMap.Districts[CityMap.DistrictOfCell(cell)].Name,
                CityMap.CellCode(cell),
                Math.Round(south, 6),
                Math.Round(west, 6),
                Math.Round(north, 6),
                Math.Round(east, 6));
        }

        return zones;
    }

    private static FlaggedEnterprise[] BuildEnterprises(Random random, ApprovedZone[] zones)
    {
        const int Count = 90;
        var result = new FlaggedEnterprise[Count];
        for (var i = 0; i < Count; i++)
        {
            double lat, lon;
            do
            {
                (lat, lon) = SamplePopulated(random, 1.8);
            }
            while (MinZoneDistance(zones, lat, lon) < 2_000);

            var cell = CityMap.CellAt(lat, lon);
            var town = random.Pick(ChineseText.Towns);
            result[i] = new FlaggedEnterprise(
                string.Create(CultureInfo.InvariantCulture, $"FE{i + 1:000}"),
                town + random.Pick(ChineseText.FirmWords) + random.Pick(ChineseText.WorkshopKinds),
                random.Pick(ChineseText.Industries),
                random.Pick(ChineseText.RectificationStatuses),
                CityMap.Districts[CityMap.DistrictOfCell(cell)].Name,
                CityMap.CellCode(cell),
                lat,
                lon);
        }

        return result;
    }

    private static double MinZoneDistance(ApprovedZone[] zones, double lat, double lon)
    {
        var best = double.MaxValue;
        foreach (var zone in zones)
        {
            best = Math.Min(best, CityMap.Distance(lat, lon, (zone.South + zone.North) / 2, (zone.West + zone.East) / 2));
        }

        return best;
    }

    private static Household[] BuildHouseholds(Random random, int count)
    {
        var result = new Household[count];
        for (var i = 0; i < count; i++)
        {
            var (lat, lon) = SamplePopulated(random, 0.8);
            var cell = CityMap.CellAt(lat, lon);
            var district = CityMap.Districts[CityMap.DistrictOfCell(cell)].Name;
            var address = string.Create(
                CultureInfo.InvariantCulture,
                $"{district}{random.Pick(ChineseText.Roads)}{random.Next(1, 300)}号{random.Pick(ChineseText.Communities)}{random.Next(1, 40)}幢{random.Next(1, 4)}单元{random.Next(1, 19)}0{random.Next(1, 5)}室");
            result[i] = new Household(
                string.Create(CultureInfo.InvariantCulture, $"D{i + 1:000000}"),
                address,
                district,
                CityMap.CellCode(cell),
                lat,
                lon,
                random.Next(1, 6),
                random.Next(45, 160));
        }

        return result;
    }

    private static Camera[] BuildCameras(Random random, int count)
    {
        var result = new Camera[count];
        for (var i = 0; i < count; i++)
        {
            var (lat, lon) = SamplePopulated(random);
            var cell = CityMap.CellAt(lat, lon);
            var code = CityMap.Districts[CityMap.DistrictOfCell(cell)].Code;
            result[i] = new Camera(string.Create(CultureInfo.InvariantCulture, $"CAM-{code}-{i + 1:00000}"), lat, lon);
        }

        return result;
    }
}

/// <summary>A public-security camera with an AI model on its video.</summary>
internal sealed record Camera(string Id, double Lat, double Lon);
