using static CityStream.Engine.Tests.Conditions.ConditionTestKit;

namespace CityStream.Engine.Tests.Conditions;

public sealed class ConditionPresenceTests
{
    private static CityEvent WithoutGridOrDistrict() => Event(Video, ("alert_type", "smoke"), ("confidence", 0.9));

    [Theory]
    [InlineData("district == '崇川区'")]
    [InlineData("district != '崇川区'")]
    [InlineData("lat > 0")]
    [InlineData("lat <= 0")]
    [InlineData("lat + 1 > 0")]
    [InlineData("grid in ['G0412', 'G0413']")]
    [InlineData("grid.startsWith('G')")]
    [InlineData("grid.matches('.*')")]
    [InlineData("district.contains('')")]
    public void A_condition_on_an_absent_field_is_false(string text) => Assert.False(Evaluate(text, WithoutGridOrDistrict()));

    [Theory]
    [InlineData("!(lat > 0)")]
    [InlineData("!grid.startsWith('G')")]
    public void Not_of_a_condition_on_an_absent_field_is_true(string text) => Assert.True(Evaluate(text, WithoutGridOrDistrict()));

    [Theory]
    [InlineData("grid == null", true)]
    [InlineData("grid != null", false)]
    [InlineData("null == grid", true)]
    [InlineData("has(grid)", false)]
    [InlineData("!has(grid)", true)]
    [InlineData("alert_type != null", true)]
    [InlineData("has(confidence)", true)]
    public void Null_comparisons_and_has_test_presence(string text, bool expected) =>
        Assert.Equal(expected, Evaluate(text, WithoutGridOrDistrict()));

    [Fact]
    public void An_absent_boolean_field_is_false()
    {
        var e = Event(Police, ("event_class", "theft"));
        Assert.False(Evaluate("major", e));
        Assert.True(Evaluate("!major", e));
    }

    [Fact]
    public void A_comparison_of_two_fields_is_false_when_either_is_absent()
    {
        Assert.False(Evaluate("lat < lon", Event(Video, ("lat", 32.0))));
        Assert.True(Evaluate("lat < lon", Event(Video, ("lat", 32.0), ("lon", 120.9))));
    }
}
