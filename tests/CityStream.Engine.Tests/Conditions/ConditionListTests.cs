using static CityStream.Engine.Tests.Conditions.ConditionTestKit;

namespace CityStream.Engine.Tests.Conditions;

public sealed class ConditionListTests
{
    private static readonly Dictionary<string, IReadOnlyList<object>> Lists = new(StringComparer.Ordinal)
    {
        ["hazmat_classes"] = ["hazmat_tanker", "hazmat_truck"],
        ["many_grids"] = ["G0001", "G0002", "G0003", "G0004", "G0005", "G0412"],
        ["slow_speeds"] = [0L, 1L, 2.5, 3L, 4L, 5L],
    };

    private static bool Evaluate(string text, CityEvent e) => Compile(text, Scope(e.Schema, Lists)).Evaluate(e);

    private static CityEvent Truck(string vehicleClass, double speed) =>
        Event(Gps, ("plate", "苏F12345"), ("vehicle_class", vehicleClass), ("speed_kmh", speed), ("grid", "G0412"));

    [Theory]
    [InlineData("hazmat_tanker", 3, true)]
    [InlineData("hazmat_truck", 4.9, true)]
    [InlineData("hazmat_truck", 5, false)]
    [InlineData("bus", 0, false)]
    public void In_a_named_list_matches_its_members(string vehicleClass, double speed, bool expected) =>
        Assert.Equal(expected, Evaluate("vehicle_class in lists.hazmat_classes && speed_kmh < 5", Truck(vehicleClass, speed)));

    [Theory]
    [InlineData("G0412", true)]
    [InlineData("G0006", false)]
    public void In_a_long_named_list_uses_a_set_lookup_with_the_same_result(string grid, bool expected)
    {
        var e = Event(Gps, ("grid", grid));
        Assert.Equal(expected, Evaluate("grid in lists.many_grids", e));
    }

    [Theory]
    [InlineData(2.5, true)]
    [InlineData(5, true)]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public void In_a_numeric_list_mixes_integers_and_floats(double speed, bool expected) =>
        Assert.Equal(expected, Evaluate("speed_kmh in lists.slow_speeds", Truck("bus", speed)));

    [Theory]
    [InlineData("vehicle_class in ['bus', 'taxi']", false)]
    [InlineData("vehicle_class in ['bus', 'hazmat_truck']", true)]
    [InlineData("vehicle_class in []", false)]
    [InlineData("speed_kmh in [1, 2, 3]", true)]
    [InlineData("speed_kmh in [-1, 2.5]", false)]
    [InlineData("grid in ['G1', 'G2', 'G3', 'G4', 'G5', 'G0412']", true)]
    [InlineData("grid in ['G1', 'G2', 'G3', 'G4', 'G5', 'G6']", false)]
    [InlineData("speed_kmh in [10, 20, 30, 40, 50, 3]", true)]
    [InlineData("grid in [plate, 'G0412']", true)]
    [InlineData("!(vehicle_class in ['bus'])", true)]
    public void In_a_list_literal_matches_its_items(string text, bool expected) =>
        Assert.Equal(expected, Evaluate(text, Truck("hazmat_truck", 3)));

    [Fact]
    public void In_is_false_when_the_field_is_absent() =>
        Assert.False(Evaluate("district in ['a', 'b', 'c', 'd', 'e', 'f']", Truck("bus", 1)));
}
