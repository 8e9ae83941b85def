using System.Text.Json;

namespace CityStream.Connectors.Simulator.Internal;

/// <summary>Writes the reference layers as RFC 7946 FeatureCollections (lon/lat order, counter-clockwise outer rings).</summary>
internal static class GeoJsonWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(ReferenceData data, ReferenceLayer layer, Stream output)
    {
        using var writer = new Utf8JsonWriter(output, Options);
        writer.WriteStartObject();
        writer.WriteString("type", "FeatureCollection");
        writer.WriteString("name", ReferenceData.FileName(layer).Replace(".geojson", string.Empty, StringComparison.Ordinal));
        writer.WriteStartArray("features");
        switch (layer)
        {
            case ReferenceLayer.Districts:
                WriteDistricts(writer, data);
                break;
            case ReferenceLayer.Grids:
                foreach (var g in data.Grids)
                {
                    StartFeature(writer, g.Code);
                    WriteBox(writer, g.South, g.West, g.North, g.East);
                    writer.WriteStartObject("properties");
                    writer.WriteString("code", g.Code);
                    writer.WriteNumber("row", g.Row);
                    writer.WriteNumber("col", g.Col);
                    writer.WriteString("district", g.District);
                    EndFeature(writer);
                }

                break;
            case ReferenceLayer.ApprovedZones:
                foreach (var z in data.ApprovedZones)
                {
                    StartFeature(writer, z.Id);
                    WriteBox(writer, z.South, z.West, z.North, z.East);
                    writer.WriteStartObject("properties");
                    writer.WriteString("id", z.Id);
                    writer.WriteString("name", z.Name);
                    writer.WriteString("kind", z.Kind);
                    writer.WriteString("district", z.District);
                    writer.WriteString("grid", z.Grid);
                    EndFeature(writer);
                }

                break;
            case ReferenceLayer.FlaggedEnterprises:
                foreach (var e in data.FlaggedEnterprises)
                {
                    StartFeature(writer, e.Id);
                    WritePoint(writer, e.Lat, e.Lon);
                    writer.WriteStartObject("properties");
                    writer.WriteString("id", e.Id);
                    writer.WriteString("name", e.Name);
                    writer.WriteString("industry", e.Industry);
                    writer.WriteString("status", e.Status);
                    writer.WriteString("district", e.District);
                    writer.WriteString("grid", e.Grid);
                    EndFeature(writer);
                }

                break;
            case ReferenceLayer.Households:
                foreach (var h in data.Households)
                {
                    StartFeature(writer, h.Id);
                    WritePoint(writer, h.Lat, h.Lon);
                    writer.WriteStartObject("properties");
                    writer.WriteString("id", h.Id);
                    writer.WriteString("address", h.Address);
                    writer.WriteString("district", h.District);
                    writer.WriteString("grid", h.Grid);
                    writer.WriteNumber("registered_residents", h.RegisteredResidents);
                    writer.WriteNumber("floor_area_m2", h.FloorAreaM2);
                    EndFeature(writer);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(layer), layer, "unknown layer");
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void StartFeature(Utf8JsonWriter writer, string id)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Feature");
        writer.WriteString("id", id);
    }

    private static void EndFeature(Utf8JsonWriter writer)
    {
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WritePoint(Utf8JsonWriter writer, double lat, double lon)
    {
        writer.WriteStartObject("geometry");
        writer.WriteString("type", "Point");
        writer.WriteStartArray("coordinates");
        writer.WriteNumberValue(lon);
        writer.WriteNumberValue(lat);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteBox(Utf8JsonWriter writer, double south, double west, double north, double east)
    {
        writer.WriteStartObject("geometry");
        writer.WriteString("type", "Polygon");
        writer.WriteStartArray("coordinates");
        WriteRing(writer, [(west, south), (east, south), (east, north), (west, north)]);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteRing(Utf8JsonWriter writer, IReadOnlyList<(double Lon, double Lat)> ring)
    {
        writer.WriteStartArray();
        for (var i = 0; i <= ring.Count; i++)
        {
            var (lon, lat) = ring[i % ring.Count];
            writer.WriteStartArray();
            writer.WriteNumberValue(lon);
            writer.WriteNumberValue(lat);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }

    private static void WriteDistricts(Utf8JsonWriter writer, ReferenceData data)
    {
        for (var d = 0; d < CityMap.Districts.Length; d++)
        {
            var info = CityMap.Districts[d];
            StartFeature(writer, info.Code);
            writer.WriteStartObject("geometry");
            var outline = DistrictOutline.Staircase(d);
            if (outline is not null)
            {
                writer.WriteString("type", "Polygon");
                writer.WriteStartArray("coordinates");
                WriteRing(writer, outline);
                writer.WriteEndArray();
            }
            else
            {
                writer.WriteString("type", "MultiPolygon");
                writer.WriteStartArray("coordinates");
                foreach (var (south, west, north, east) in DistrictOutline.RowRuns(d))
                {
                    writer.WriteStartArray();
                    WriteRing(writer, [(west, south), (east, south), (east, north), (west, north)]);
                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.WriteStartObject("properties");
            writer.WriteString("code", info.Code);
            writer.WriteString("name", info.Name);
            writer.WriteNumber("cell_count", data.Districts[d].CellCount);
            EndFeature(writer);
        }
    }
}
