namespace CityStream.Connectors.Simulator.Internal;

/// <summary>The outline of a district as the union of its grid cells: one staircase polygon when every row of it is one run of cells and neighbouring rows overlap, else the runs as boxes.</summary>
internal static class DistrictOutline
{
    public static IReadOnlyList<(double Lon, double Lat)>? Staircase(int district)
    {
        var firstRow = -1;
        var lastRow = -1;
        var lo = new int[CityMap.Rows];
        var hi = new int[CityMap.Rows];
        for (var row = 0; row < CityMap.Rows; row++)
        {
            lo[row] = -1;
            var runs = 0;
            var previous = false;
            for (var col = 0; col < CityMap.Cols; col++)
            {
                var mine = CityMap.DistrictOfCell((row * CityMap.Cols) + col) == district;
                if (mine && !previous)
                {
                    runs++;
                    lo[row] = col;
                }

                if (mine)
                {
                    hi[row] = col;
                }

                previous = mine;
            }

            if (runs > 1)
            {
                return null;
            }

            if (runs == 1)
            {
                if (lastRow >= 0 && lastRow != row - 1)
                {
                    return null;
                }

                if (lastRow >= 0 && (lo[row] > hi[lastRow] || hi[row] < lo[lastRow]))
                {
                    return null;
                }

                firstRow = firstRow < 0 ? row : firstRow;
                lastRow = row;
            }
        }

        if (firstRow < 0)
        {
            return null;
        }

        var ring = new List<(double Lon, double Lat)>();
        for (var row = firstRow; row <= lastRow; row++)
        {
            Add(ring, East(hi[row]), South(row));
            Add(ring, East(hi[row]), South(row + 1));
        }

        for (var row = lastRow; row >= firstRow; row--)
        {
            Add(ring, West(lo[row]), South(row + 1));
            Add(ring, West(lo[row]), South(row));
        }

        return ring;
    }

    public static IEnumerable<(double South, double West, double North, double East)> RowRuns(int district)
    {
        for (var row = 0; row < CityMap.Rows; row++)
        {
            var start = -1;
            for (var col = 0; col <= CityMap.Cols; col++)
            {
                var mine = col < CityMap.Cols && CityMap.DistrictOfCell((row * CityMap.Cols) + col) == district;
                if (mine && start < 0)
                {
                    start = col;
                }
                else if (!mine && start >= 0)
                {
                    yield return (South(row), West(start), South(row + 1), East(col - 1));
                    start = -1;
                }
            }
        }
    }

    private static void Add(List<(double Lon, double Lat)> ring, double lon, double lat)
    {
        if (ring.Count == 0 || ring[^1] != (lon, lat))
        {
            ring.Add((lon, lat));
        }
    }

    private static double South(int row) => (CityMap.SouthMicro + (row * CityMap.CellLatMicro)) / 1e6;

    private static double West(int col) => (CityMap.WestMicro + (col * CityMap.CellLonMicro)) / 1e6;

    private static double East(int col) => West(col + 1);
}
