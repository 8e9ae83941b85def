using System.Globalization;

namespace CityStream.Connectors.Simulator.Internal;

/// <summary>
/// The geography of the synthetic Nantong: a box of 90 × 99 comprehensive grid cells of ~1 km
/// (0.009° of latitude by 0.0106° of longitude), codes <c>G{row:00}{col:00}</c> counted from the south-west,
/// and seven districts, each cell belonging to the district whose centre is nearest. Locations are whole
/// micro-degrees whose last digit is never 0, so no point ever lies on a cell edge.
/// </summary>
internal static class CityMap
{
    public const int Rows = 90;
    public const int Cols = 99;
    public const long SouthMicro = 31_750_000;
    public const long WestMicro = 120_450_000;
    public const long CellLatMicro = 9_000;
    public const long CellLonMicro = 10_600;
    public const double MetersPerDegreeLat = 111_320;

    public static readonly DistrictInfo[] Districts =
    [
        new("320602", "崇川区", 32.005, 120.875),
        new("320612", "通州区", 32.095, 121.075),
        new("320614", "海门区", 31.925, 121.245),
        new("320623", "如东县", 32.375, 121.150),
        new("320681", "启东市", 31.845, 121.440),
        new("320682", "如皋市", 32.255, 120.620),
        new("320685", "海安市", 32.500, 120.505),
    ];

    private static readonly string[] CellCodes = BuildCodes();
    private static readonly byte[] CellDistricts = AssignDistricts();

    public static double SouthLat => SouthMicro / 1e6;

    public static double NorthLat => (SouthMicro + (Rows * CellLatMicro)) / 1e6;

    public static double WestLon => WestMicro / 1e6;

    public static double EastLon => (WestMicro + (Cols * CellLonMicro)) / 1e6;

    public static int CellCount => Rows * Cols;

    /// <summary>Rounds a coordinate to whole micro-degrees, never ending in 0 (so never on a cell edge).</summary>
    public static double Snap(double degrees)
    {
        var micro = (long)Math.Round(degrees * 1e6);
        if (micro % 10 == 0)
        {
            micro++;
        }

        return micro / 1e6;
    }

    /// <summary>The cell index (row * Cols + col) of a snapped location, or -1 outside the city.</summary>
    public static int CellAt(double lat, double lon)
    {
        var latMicro = (long)Math.Round(lat * 1e6) - SouthMicro;
        var lonMicro = (long)Math.Round(lon * 1e6) - WestMicro;
        if (latMicro < 0 || lonMicro < 0)
        {
            return -1;
        }

        var row = latMicro / CellLatMicro;
        var col = lonMicro / CellLonMicro;
        return row >= Rows || col >= Cols ? -1 : (int)((row * Cols) + col);
    }

    public static string CellCode(int cell) => CellCodes[cell];

    public static int DistrictOfCell(int cell) => CellDistricts[cell];

    public static (double Lat, double Lon) CellCenter(int cell)
    {
        var row = cell / Cols;
        var col = cell % Cols;
        return ((SouthMicro + (row * CellLatMicro) + (CellLatMicro / 2)) / 1e6, (WestMicro + (col * CellLonMicro) + (CellLonMicro / 2)) / 1e6);
    }

    public static bool Inside(double lat, double lon, double marginMeters = 0)
    {
        var dLat = marginMeters / MetersPerDegreeLat;
        var dLon = marginMeters / MetersPerDegreeLon(lat);
        return lat > SouthLat + dLat && lat < NorthLat - dLat && lon > WestLon + dLon && lon < EastLon - dLon;
    }

    public static double MetersPerDegreeLon(double lat) => MetersPerDegreeLat * Math.Cos(lat * Math.PI / 180);

    /// <summary>Moves a point by metres north and east.</summary>
    public static (double Lat, double Lon) Offset(double lat, double lon, double northMeters, double eastMeters) =>
        (lat + (northMeters / MetersPerDegreeLat), lon + (eastMeters / MetersPerDegreeLon(lat)));

    /// <summary>Great-circle distance in metres (haversine).</summary>
    public static double Distance(double lat1, double lon1, double lat2, double lon2)
    {
        const double EarthRadius = 6_371_008.8;
        var p1 = lat1 * Math.PI / 180;
        var p2 = lat2 * Math.PI / 180;
        var dp = p2 - p1;
        var dl = (lon2 - lon1) * Math.PI / 180;
        var a = (Math.Sin(dp / 2) * Math.Sin(dp / 2)) + (Math.Cos(p1) * Math.Cos(p2) * Math.Sin(dl / 2) * Math.Sin(dl / 2));
        return 2 * EarthRadius * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// <summary>Bearing from the first point to the second, degrees clockwise from north in [0, 360).</summary>
    public static double Bearing(double lat1, double lon1, double lat2, double lon2)
    {
        var north = (lat2 - lat1) * MetersPerDegreeLat;
        var east = (lon2 - lon1) * MetersPerDegreeLon(lat1);
        var degrees = Math.Atan2(east, north) * 180 / Math.PI;
        return degrees < 0 ? degrees + 360 : degrees;
    }

    private static string[] BuildCodes()
    {
        var codes = new string[Rows * Cols];
        for (var row = 0; row < Rows; row++)
        {
            for (var col = 0; col < Cols; col++)
            {
                codes[(row * Cols) + col] = string.Create(CultureInfo.InvariantCulture, $"G{row:00}{col:00}");
            }
        }

        return codes;
    }

    private static byte[] AssignDistricts()
    {
        var result = new byte[Rows * Cols];
        for (var cell = 0; cell < result.Length; cell++)
        {
            var (lat, lon) = CellCenter(cell);
            var best = 0;
            var bestDistance = double.MaxValue;
            for (var d = 0; d < Districts.Length; d++)
            {
                var distance = Distance(lat, lon, Districts[d].CenterLat, Districts[d].CenterLon);
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = d;
                }
            }

            result[cell] = (byte)best;
        }

        return result;
    }
}

/// <summary>A district of the synthetic city: administrative code, name and the centre its cells are nearest to.</summary>
internal sealed record DistrictInfo(string Code, string Name, double CenterLat, double CenterLon);
