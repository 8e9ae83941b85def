using System.Text.Json;
using CityStream.Connectors.Simulator;

namespace CityStream.Engine.Tests.Simulator;

public sealed class ReferenceDataTests
{
    private static readonly CitySimulator Sim = new(SimulatorTestRuns.Small());

    [Fact]
    public void The_city_has_the_seven_Nantong_districts_fifty_zones_and_ninety_flagged_workshops()
    {
        var reference = Sim.Reference;

        Assert.Equal(["崇川区", "通州区", "海门区", "如东县", "启东市", "如皋市", "海安市"], reference.Districts.Select(d => d.Name).ToArray());
        Assert.All(reference.Districts, d => Assert.True(d.CellCount > 100, $"{d.Name} has {d.CellCount} cells"));
        Assert.Equal(reference.Grids.Count, reference.Districts.Sum(d => d.CellCount));
        Assert.Equal(50, reference.ApprovedZones.Count);
        Assert.Equal(90, reference.FlaggedEnterprises.Count);
        Assert.InRange(reference.Grids[0].South, 31.5, 32.5);
        Assert.InRange(reference.Grids[0].West, 120.3, 121.0);
        Assert.Contains(reference.Grids, g => g.Code == "G0412" && g.Row == 4 && g.Col == 12);
    }

    [Fact]
    public void No_flagged_workshop_lies_inside_or_near_an_approved_zone()
    {
        foreach (var e in Sim.Reference.FlaggedEnterprises)
        {
            Assert.DoesNotContain(Sim.Reference.ApprovedZones, z => z.Contains(e.Lat, e.Lon));
            Assert.Equal(Sim.Reference.CellAt(e.Lat, e.Lon)!.Code, e.Grid);
        }
    }

    [Theory]
    [InlineData(ReferenceLayer.Districts, "ref-districts.schema.json")]
    [InlineData(ReferenceLayer.Grids, "ref-grids.schema.json")]
    [InlineData(ReferenceLayer.ApprovedZones, "ref-approved-zones.schema.json")]
    [InlineData(ReferenceLayer.FlaggedEnterprises, "ref-flagged-enterprises.schema.json")]
    [InlineData(ReferenceLayer.Households, "ref-households.schema.json")]
    public void Each_layer_is_a_feature_collection_with_exactly_the_properties_its_schema_documents(ReferenceLayer layer, string schemaFile)
    {
        using var schema = JsonDocument.Parse(SchemaRegistry.ReadEmbeddedSchema(schemaFile));
        var properties = schema.RootElement.GetProperty("$defs").GetProperty("feature").GetProperty("properties").GetProperty("properties");
        var documented = properties.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet();
        var required = properties.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.All(properties.GetProperty("properties").EnumerateObject(), p => Assert.False(string.IsNullOrWhiteSpace(p.Value.GetProperty("description").GetString())));
        using var stream = new MemoryStream();

        Sim.Reference.WriteLayer(layer, stream);

        using var geo = JsonDocument.Parse(stream.ToArray());
        Assert.Equal("FeatureCollection", geo.RootElement.GetProperty("type").GetString());
        var features = geo.RootElement.GetProperty("features").EnumerateArray().ToList();
        Assert.NotEmpty(features);
        foreach (var feature in features)
        {
            var names = feature.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
            Assert.All(names, n => Assert.Contains(n, documented));
            Assert.All(required, r => Assert.Contains(r, names));
        }
    }

    [Fact]
    public void District_outlines_contain_the_centres_of_their_cells_and_no_other()
    {
        using var stream = new MemoryStream();
        Sim.Reference.WriteLayer(ReferenceLayer.Districts, stream);
        using var geo = JsonDocument.Parse(stream.ToArray());
        var polygons = geo.RootElement.GetProperty("features").EnumerateArray().ToDictionary(
            f => f.GetProperty("properties").GetProperty("name").GetString()!,
            f => Rings(f.GetProperty("geometry")));

        for (var i = 0; i < Sim.Reference.Grids.Count; i += 7)
        {
            var cell = Sim.Reference.Grids[i];
            var (lat, lon) = ((cell.South + cell.North) / 2, (cell.West + cell.East) / 2);
            foreach (var (district, rings) in polygons)
            {
                Assert.Equal(district == cell.District, rings.Any(r => Inside(r, lon, lat)));
            }
        }
    }

    private static List<List<(double X, double Y)>> Rings(JsonElement geometry)
    {
        var coordinates = geometry.GetProperty("coordinates");
        var polygons = geometry.GetProperty("type").GetString() == "Polygon" ? [coordinates] : coordinates.EnumerateArray().ToList();
        return polygons.Select(p => p[0].EnumerateArray().Select(c => (c[0].GetDouble(), c[1].GetDouble())).ToList()).ToList();
    }

    private static bool Inside(List<(double X, double Y)> ring, double x, double y)
    {
        var inside = false;
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            if ((ring[i].Y > y) != (ring[j].Y > y) && x < ((ring[j].X - ring[i].X) * (y - ring[i].Y) / (ring[j].Y - ring[i].Y)) + ring[i].X)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}
