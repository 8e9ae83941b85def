using static CityStream.Engine.Tests.Conditions.ConditionTestKit;

namespace CityStream.Engine.Tests.Conditions;

public sealed class ConditionEvaluationTests
{
    [Theory]
    [InlineData("confidence >= 0.8", 0.8, true)]
    [InlineData("confidence >= 0.8", 0.79, false)]
    [InlineData("confidence > 0.8", 0.8, false)]
    [InlineData("confidence < 0.5", 0.4, true)]
    [InlineData("confidence <= 0.5", 0.5, true)]
    [InlineData("confidence == 0.5", 0.5, true)]
    [InlineData("confidence != 0.5", 0.5, false)]
    [InlineData("confidence != 0.5", 0.6, true)]
    [InlineData("0.8 <= confidence", 0.9, true)]
    public void Numeric_comparisons_follow_their_operator(string text, double confidence, bool expected) =>
        Assert.Equal(expected, Evaluate(text, Smoke(confidence)));

    [Theory]
    [InlineData("alert_type == 'smoke'", true)]
    [InlineData("alert_type == \"smoke\"", true)]
    [InlineData("alert_type != 'fire'", true)]
    [InlineData("alert_type == 'fire'", false)]
    [InlineData("camera_id < 'cam-8'", true)]
    [InlineData("camera_id > 'cam-8'", false)]
    [InlineData("camera_id >= 'cam-7'", true)]
    public void String_comparisons_are_ordinal(string text, bool expected) => Assert.Equal(expected, Evaluate(text, Smoke()));

    [Fact]
    public void String_equality_is_case_sensitive() => Assert.False(Evaluate("camera_id == 'CAM-7'", Smoke()));

    [Theory]
    [InlineData(0.9, "smoke", true)]
    [InlineData(0.7, "smoke", false)]
    [InlineData(0.9, "fire", false)]
    public void And_needs_both_sides(double confidence, string type, bool expected)
    {
        var e = Event(Video, ("alert_type", type), ("confidence", confidence));
        Assert.Equal(expected, Evaluate("alert_type == 'smoke' && confidence >= 0.8", e));
    }

    [Theory]
    [InlineData(0.9, "crowd", true)]
    [InlineData(0.1, "fire", true)]
    [InlineData(0.1, "crowd", false)]
    public void Or_needs_either_side(double confidence, string type, bool expected)
    {
        var e = Event(Video, ("alert_type", type), ("confidence", confidence));
        Assert.Equal(expected, Evaluate("alert_type == 'fire' || confidence > 0.8", e));
    }

    [Fact]
    public void And_binds_tighter_than_or() =>
        Assert.True(Evaluate("alert_type == 'smoke' || alert_type == 'fire' && confidence > 0.99", Smoke(0.5)));

    [Fact]
    public void Parentheses_override_precedence() =>
        Assert.False(Evaluate("(alert_type == 'smoke' || alert_type == 'fire') && confidence > 0.99", Smoke(0.5)));

    [Theory]
    [InlineData("!(confidence > 0.8)", 0.5, true)]
    [InlineData("!(confidence > 0.8)", 0.9, false)]
    [InlineData("!!(confidence > 0.8)", 0.9, true)]
    public void Not_negates(string text, double confidence, bool expected) => Assert.Equal(expected, Evaluate(text, Smoke(confidence)));

    [Theory]
    [InlineData("confidence * 100 >= 80", 0.8, true)]
    [InlineData("confidence + 0.1 > 1", 0.95, true)]
    [InlineData("1 - confidence < 0.25", 0.8, true)]
    [InlineData("confidence / 2 == 0.25", 0.5, true)]
    [InlineData("7 % 4 == 3", 0.5, true)]
    [InlineData("7 / 2 == 3.5", 0.5, true)]
    [InlineData("-confidence < 0", 0.5, true)]
    [InlineData("2 + 3 * 4 == 14", 0.5, true)]
    [InlineData("(2 + 3) * 4 == 20", 0.5, true)]
    [InlineData("1e2 == 100", 0.5, true)]
    public void Arithmetic_mixes_integers_and_numbers(string text, double confidence, bool expected) =>
        Assert.Equal(expected, Evaluate(text, Smoke(confidence)));

    [Fact]
    public void Integer_fields_compare_with_floats()
    {
        var e = Event(Utility, ("kind", "water"), ("value", 12.5), ("period_s", 3600L));
        Assert.True(Evaluate("period_s >= 3599.5 && value / period_s * 3600 == 12.5", e));
    }

    [Fact]
    public void Boolean_fields_read_as_conditions()
    {
        var major = Event(Police, ("event_class", "mass_incident"), ("major", true));
        var minor = Event(Police, ("event_class", "theft"), ("major", false));
        Assert.True(Evaluate("major && event_class == 'mass_incident'", major));
        Assert.False(Evaluate("major", minor));
        Assert.True(Evaluate("major == false", minor));
    }

    [Theory]
    [InlineData("confidence > 0.9 ? alert_type == 'smoke' : false", 0.95, true)]
    [InlineData("confidence > 0.9 ? alert_type == 'smoke' : false", 0.5, false)]
    [InlineData("(confidence > 0.9 ? 1 : 2) == 2", 0.5, true)]
    public void Conditional_picks_a_branch(string text, double confidence, bool expected) =>
        Assert.Equal(expected, Evaluate(text, Smoke(confidence)));

    [Theory]
    [InlineData("grid.startsWith('G04')", true)]
    [InlineData("grid.startsWith('g04')", false)]
    [InlineData("grid.endsWith('12')", true)]
    [InlineData("camera_id.contains('m-')", true)]
    [InlineData("camera_id.contains('x')", false)]
    [InlineData("grid.matches('^G0[0-9]{3}$')", true)]
    [InlineData("grid.matches(r'^G\\d+$')", true)]
    [InlineData("grid.matches('^H')", false)]
    public void String_methods_test_the_field(string text, bool expected) => Assert.Equal(expected, Evaluate(text, Smoke()));

    [Theory]
    [InlineData("'it\\'s' == \"it's\"")]
    [InlineData("'a\\tb'.contains('\\t')")]
    [InlineData("'\\u82cf' == '苏'")]
    [InlineData("'a\\\\b'.endsWith('\\\\b')")]
    public void String_literals_understand_escapes(string text) => Assert.True(Evaluate(text, Smoke()));

    [Fact]
    public void String_concatenation_joins_strings() => Assert.True(Evaluate("camera_id + '/' + grid == 'cam-7/G0412'", Smoke()));
}
