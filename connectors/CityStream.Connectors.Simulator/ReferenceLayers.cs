namespace CityStream.Connectors.Simulator;

/// <summary>The reference layers of the synthetic city, each written as a GeoJSON FeatureCollection.</summary>
public enum ReferenceLayer
{
    /// <summary><c>districts.geojson</c>: the seven districts (polygons).</summary>
    Districts,

    /// <summary><c>grids.geojson</c>: the comprehensive grid cells (polygons).</summary>
    Grids,

    /// <summary><c>approved_zones.geojson</c>: approved parking zones for hazmat vehicles (polygons).</summary>
    ApprovedZones,

    /// <summary><c>flagged_enterprises.geojson</c>: chemical workshops flagged for rectification (points).</summary>
    FlaggedEnterprises,

    /// <summary><c>households.geojson</c>: dwellings with utility meters (points).</summary>
    Households,
}

/// <summary>A district: administrative code and name.</summary>
/// <param name="Code">Administrative division code (e.g. <c>320602</c>).</param>
/// <param name="Name">Name (e.g. 崇川区).</param>
/// <param name="CellCount">Grid cells in the district.</param>
public sealed record DistrictArea(string Code, string Name, int CellCount);

/// <summary>A comprehensive grid cell: an axis-aligned box in WGS84 degrees.</summary>
/// <param name="Code">Cell code <c>G{row:00}{col:00}</c> (e.g. <c>G0412</c>), rows counted north and columns east from the south-west corner.</param>
/// <param name="Row">Row, 0 at the south.</param>
/// <param name="Col">Column, 0 at the west.</param>
/// <param name="District">Name of the district the cell belongs to.</param>
/// <param name="South">Southern edge latitude.</param>
/// <param name="West">Western edge longitude.</param>
/// <param name="North">Northern edge latitude.</param>
/// <param name="East">Eastern edge longitude.</param>
public sealed record GridCell(string Code, int Row, int Col, string District, double South, double West, double North, double East);

/// <summary>An approved parking zone for hazmat vehicles: a box in WGS84 degrees.</summary>
/// <param name="Id">Zone id (e.g. <c>AZ007</c>).</param>
/// <param name="Name">Chinese name of the parking area.</param>
/// <param name="Kind">What the zone is: <c>chemical_park</c> or <c>logistics_yard</c>.</param>
/// <param name="District">District name.</param>
/// <param name="Grid">Grid cell code of the zone's centre.</param>
/// <param name="South">Southern edge latitude.</param>
/// <param name="West">Western edge longitude.</param>
/// <param name="North">Northern edge latitude.</param>
/// <param name="East">Eastern edge longitude.</param>
public sealed record ApprovedZone(string Id, string Name, string Kind, string District, string Grid, double South, double West, double North, double East)
{
    /// <summary>Whether a point lies inside the zone.</summary>
    public bool Contains(double lat, double lon) => lat > South && lat < North && lon > West && lon < East;
}

/// <summary>A small chemical workshop flagged for rectification.</summary>
/// <param name="Id">Enterprise id (e.g. <c>FE023</c>).</param>
/// <param name="Name">Chinese name.</param>
/// <param name="Industry">What it does (Chinese, e.g. 溶剂分装).</param>
/// <param name="Status">Rectification status (Chinese, e.g. 整改中).</param>
/// <param name="District">District name.</param>
/// <param name="Grid">Grid cell code.</param>
/// <param name="Lat">Latitude, WGS84.</param>
/// <param name="Lon">Longitude, WGS84.</param>
public sealed record FlaggedEnterprise(string Id, string Name, string Industry, string Status, string District, string Grid, double Lat, double Lon);

/// <summary>A dwelling with utility meters; the <c>dwelling_id</c> of utility events.</summary>
/// <param name="Id">Dwelling id (e.g. <c>D000123</c>).</param>
/// <param name="Address">Chinese street address.</param>
/// <param name="District">District name.</param>
/// <param name="Grid">Grid cell code.</param>
/// <param name="Lat">Latitude, WGS84.</param>
/// <param name="Lon">Longitude, WGS84.</param>
/// <param name="RegisteredResidents">Residents registered at the address.</param>
/// <param name="FloorAreaM2">Floor area in square metres.</param>
public sealed record Household(string Id, string Address, string District, string Grid, double Lat, double Lon, int RegisteredResidents, int FloorAreaM2);
