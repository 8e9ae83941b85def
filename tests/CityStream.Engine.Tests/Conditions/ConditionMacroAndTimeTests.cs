using CityStream.Engine.Internal.Conditions;
using static CityStream.Engine.Tests.Conditions.ConditionTestKit;

namespace CityStream.Engine.Tests.Conditions;

public sealed class ConditionMacroAndTimeTests
{
    private static readonly MacroDefinition Confident = new("confident", "confidence >= 0.8", 10, 16);
    private static readonly MacroDefinition Burning = new("burning", "alert_type in ['smoke', 'fire']", 11, 14);
    private static readonly MacroDefinition ConfidentFire = new("confident_fire", "burning && confident", 12, 20);

    [Theory]
    [InlineData(0.9, "smoke", true)]
    [InlineData(0.5, "smoke", false)]
    [InlineData(0.9, "crowd", false)]
    public void A_macro_expands_to_its_condition(double confidence, string type, bool expected)
    {
        var scope = Scope(Video, null, Confident, Burning, ConfidentFire);
        var e = Event(Video, ("alert_type", type), ("confidence", confidence));
        Assert.Equal(expected, Compile("confident_fire", scope).Evaluate(e));
    }

    [Fact]
    public void A_macro_is_parenthesised_when_it_expands()
    {
        var either = new MacroDefinition("either", "alert_type == 'fire' || alert_type == 'smoke'", 10, 10);
        var compiled = Compile("either && confidence > 0.99", Scope(Video, null, either));
        Assert.False(compiled.Evaluate(Smoke(0.5)));
    }

    [Fact]
    public void Fields_read_lists_each_field_once_including_those_of_macros()
    {
        var compiled = Compile("confident && confidence < 1 && grid != null", Scope(Video, null, Confident));
        Assert.Equal(["confidence", "grid"], compiled.FieldsRead.Select(f => f.Name));
    }

    [Theory]
    [InlineData("ts >= timestamp('2026-01-01T00:00:00Z')", true)]
    [InlineData("ts > timestamp('2026-01-01T00:00:00Z')", false)]
    [InlineData("ts < timestamp('2026-01-01T08:00:00+08:00') + duration('1ms')", true)]
    [InlineData("ts - duration('1h30m') == timestamp('2025-12-31T22:30:00Z')", true)]
    [InlineData("ts - timestamp('2025-12-31T23:45:00Z') == duration('15m')", true)]
    [InlineData("ts - timestamp('2025-12-31T23:45:00Z') > duration('14m59s')", true)]
    [InlineData("duration('2h') / duration('30m') == 4", true)]
    [InlineData("duration('1m') * 2 == duration('120s')", true)]
    [InlineData("duration('500ms') < duration('1s')", true)]
    public void Timestamps_and_durations_compare_and_combine(string text, bool expected) =>
        Assert.Equal(expected, Evaluate(text, Smoke()));

    [Theory]
    [InlineData("confidence > 0.8 ? 'high' : 'medium'", 0.9, "high", FieldType.String)]
    [InlineData("confidence > 0.8 ? 'high' : 'medium'", 0.5, "medium", FieldType.String)]
    [InlineData("confidence * 100", 0.25, "25", FieldType.Number)]
    [InlineData("confidence", 0.125, "0.125", FieldType.Number)]
    [InlineData("7 % 4", 0.5, "3", FieldType.Integer)]
    [InlineData("confidence > 0.8", 0.9, "true", FieldType.Boolean)]
    [InlineData("camera_id + ':' + alert_type", 0.5, "cam-7:smoke", FieldType.String)]
    [InlineData("ts + duration('1s')", 0.5, "1767225601000", FieldType.Timestamp)]
    [InlineData("has(grid) ? grid : 'none'", 0.5, "G0412", FieldType.String)]
    public void A_value_evaluates_to_invariant_text(string text, double confidence, string expected, FieldType type)
    {
        var errors = new List<RuleError>();
        var value = ConditionCompiler.CompileValue(text, Scope(Video), Line, Column, errors);
        Assert.Empty(errors);
        Assert.NotNull(value);
        Assert.Equal(type, value.ResultType);
        Assert.Equal(expected, value.EvaluateAsString(Smoke(confidence)));
    }

    [Theory]
    [InlineData("district")]
    [InlineData("lat * 2")]
    [InlineData("confidence > 0.5 ? district : 'x'")]
    public void A_value_that_reads_an_absent_field_is_empty_text(string text)
    {
        var errors = new List<RuleError>();
        var value = ConditionCompiler.CompileValue(text, Scope(Video), Line, Column, errors);
        Assert.NotNull(value);
        Assert.Equal(string.Empty, value.EvaluateAsString(Smoke()));
    }

    [Fact]
    public void The_null_literal_is_a_value_of_no_type()
    {
        var errors = new List<RuleError>();
        var value = ConditionCompiler.CompileValue("null", Scope(Video), Line, Column, errors);
        Assert.NotNull(value);
        Assert.Null(value.ResultType);
        Assert.Equal(string.Empty, value.EvaluateAsString(Smoke()));
    }

    [Fact]
    public void A_conditional_with_a_null_branch_is_empty_on_that_branch()
    {
        var errors = new List<RuleError>();
        var value = ConditionCompiler.CompileValue("confidence > 0.8 ? 'high' : null", Scope(Video), Line, Column, errors);
        Assert.NotNull(value);
        Assert.Equal(FieldType.String, value.ResultType);
        Assert.Equal("high", value.EvaluateAsString(Smoke(0.9)));
        Assert.Equal(string.Empty, value.EvaluateAsString(Smoke(0.1)));
    }
}
