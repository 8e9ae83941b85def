using CityStream.Connectors.Simulator.Internal;

namespace CityStream.Connectors.Simulator;

/// <summary>
/// The reference layers of the synthetic city (districts, grid cells, approved hazmat parking zones, flagged
/// chemical workshops, households), as the engine loads them from GeoJSON. Every event's <c>grid</c> and
/// <c>district</c> are those of the cell its lat/lon falls in.
/// </summary>
public sealed class ReferenceData
{
    internal ReferenceData(IReadOnlyList<DistrictArea> districts, IReadOnlyList<GridCell> grids, IReadOnlyList<ApprovedZone> approvedZones, IReadOnlyList<FlaggedEnterprise> flaggedEnterprises, IReadOnlyList<Household> households)
    {
        Districts = districts;
        Grids = grids;
        ApprovedZones = approvedZones;
        FlaggedEnterprises = flaggedEnterprises;
        Households = households;
    }

    /// <summary>The seven districts.</summary>
    public IReadOnlyList<DistrictArea> Districts { get; }

    /// <summary>All grid cells, row by row from the south-west (index = row * 99 + col).</summary>
    public IReadOnlyList<GridCell> Grids { get; }

    /// <summary>Approved parking zones for hazmat vehicles.</summary>
    public IReadOnlyList<ApprovedZone> ApprovedZones { get; }

    /// <summary>Chemical workshops flagged for rectification.</summary>
    public IReadOnlyList<FlaggedEnterprise> FlaggedEnterprises { get; }

    /// <summary>Dwellings with utility meters.</summary>
    public IReadOnlyList<Household> Households { get; }

    /// <summary>The grid cell a point falls in, or null outside the city.</summary>
    public GridCell? CellAt(double lat, double lon)
    {
        var cell = CityMap.CellAt(lat, lon);
        return cell < 0 ? null : Grids[cell];
    }

    /// <summary>The file name of a layer (e.g. <c>approved_zones.geojson</c>).</summary>
    public static string FileName(ReferenceLayer layer) => layer switch
    {
        ReferenceLayer.Districts => "districts.geojson",
        ReferenceLayer.Grids => "grids.geojson",
        ReferenceLayer.ApprovedZones => "approved_zones.geojson",
        ReferenceLayer.FlaggedEnterprises => "flagged_enterprises.geojson",
        ReferenceLayer.Households => "households.geojson",
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "unknown layer"),
    };

    /// <summary>Writes one layer as a GeoJSON FeatureCollection (RFC 7946; schemas in <c>schemas/ref-*.schema.json</c>).</summary>
    public void WriteLayer(ReferenceLayer layer, Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        GeoJsonWriter.Write(this, layer, output);
    }

    /// <summary>Writes every layer into a directory (created if missing) under its <see cref="FileName"/>.</summary>
    public void WriteGeoJson(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var layer in Enum.GetValues<ReferenceLayer>())
        {
            using var file = new FileStream(Path.Combine(directory, FileName(layer)), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            WriteLayer(layer, file);
        }
    }
}
