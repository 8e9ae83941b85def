using CityStream.Engine.Internal.Conditions;
using static CityStream.Engine.Tests.Conditions.ConditionTestKit;

namespace CityStream.Engine.Tests.Conditions;

public sealed class ConditionErrorTests
{
    [Fact]
    public void Unknown_field_suggests_the_nearest_field()
    {
        const string text = "confidense >= 0.8";
        var error = SingleError(text, Scope(Video));
        Assert.Equal(new RuleError(PackFile, 3, 12, "unknown field 'confidense' of source video_alert; did you mean 'confidence'?"), error);
    }

    [Fact]
    public void Unknown_field_far_from_every_field_has_no_suggestion()
    {
        const string text = "alert_type == 'smoke' && wibble > 2";
        var error = SingleError(text, Scope(Video));
        AssertAt(error, text, "wibble", "unknown field 'wibble' of source video_alert");
        Assert.DoesNotContain("did you mean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Comparing_a_string_field_with_a_number_is_a_type_error()
    {
        const string text = "alert_type == 5";
        var error = SingleError(text, Scope(Video));
        AssertAt(error, text, "==", "cannot compare string field 'alert_type' with integer 5");
    }

    [Fact]
    public void A_value_not_in_the_fields_enum_is_an_error_listing_the_allowed_values()
    {
        const string text = "confidence >= 0.8 && alert_type == 'smok'";
        var error = SingleError(text, Scope(Video));
        AssertAt(error, text, "'smok'", "'smok' is not an allowed value of alert_type; allowed: smoke, fire, crowd, illegal_parking, fight, intrusion, garbage; did you mean 'smoke'?");
    }

    [Fact]
    public void A_list_item_not_in_the_fields_enum_is_an_error_at_the_item()
    {
        const string text = "vehicle_class in ['bus', 'hazmat_trukc']";
        var error = SingleError(text, Scope(Gps));
        AssertAt(error, text, "'hazmat_trukc'", "did you mean 'hazmat_truck'?");
    }

    [Fact]
    public void A_named_list_value_not_in_the_fields_enum_is_an_error_at_the_list()
    {
        const string text = "vehicle_class in lists.classes";
        var lists = new Dictionary<string, IReadOnlyList<object>>(StringComparer.Ordinal) { ["classes"] = ["bus", "tank"] };
        var error = SingleError(text, Scope(Gps, lists));
        AssertAt(error, text, "lists.classes", "'tank' (in list 'classes') is not an allowed value of vehicle_class");
    }

    [Theory]
    [InlineData("(confidence > 0.8", "expected ')' but found end of expression", 17)]
    [InlineData("confidence > 0.8)", "expected end of expression (unbalanced ')') but found ')'", 16)]
    [InlineData("confidence >", "expected an expression but found end of expression", 12)]
    [InlineData("alert_type = 'smoke'", "unexpected '='; did you mean '=='?", 11)]
    [InlineData("alert_type == 'smoke", "unterminated string", 14)]
    [InlineData("confidence > 0.8 alert_type", "expected an operator or end of expression but found 'alert_type'", 17)]
    [InlineData("", "expected an expression but found end of expression", 0)]
    [InlineData("grid.matches('\\d')", "unknown escape sequence '\\d'", 14)]
    [InlineData("confidence > 0.8 # note", "unexpected character '#'", 17)]
    [InlineData("has(grid", "expected ',' or ')' but found end of expression", 8)]
    public void Syntax_errors_say_what_was_expected_and_where(string text, string fragment, int offset)
    {
        var error = SingleError(text, Scope(Video));
        Assert.Equal(Line, error.Line);
        Assert.Equal(Column + offset, error.Column);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_function_is_an_error_at_its_name()
    {
        const string text = "confidence > 0.8 && size(grid) > 2";
        var error = SingleError(text, Scope(Video));
        AssertAt(error, text, "size", "unknown function 'size'; the functions are has, duration, timestamp");
    }

    [Fact]
    public void Unknown_method_suggests_the_nearest_method()
    {
        const string text = "grid.startswith('G')";
        var error = SingleError(text, Scope(Video));
        AssertAt(error, text, "startswith", "did you mean 'startsWith'?");
    }

    [Fact]
    public void A_bad_regex_is_an_error_at_its_literal()
    {
        const string text = "alert_type == 'fire' && grid.matches('G(04')";
        var error = SingleError(text, Scope(Video));
        AssertAt(error, text, "'G(04'", "invalid regular expression 'G(04'");
    }

    [Fact]
    public void A_bad_duration_literal_is_an_error_at_its_literal()
    {
        const string text = "ts - timestamp('2026-01-01T00:00:00Z') > duration('15 minutes')";
        var error = SingleError(text, Scope(Video));
        AssertAt(error, text, "'15 minutes'", "'15 minutes' is not a duration");
    }

    [Fact]
    public void A_bad_timestamp_literal_is_an_error_at_its_literal()
    {
        const string text = "ts > timestamp('yesterday')";
        var error = SingleError(text, Scope(Video));
        AssertAt(error, text, "'yesterday'", "'yesterday' is not a timestamp");
    }

    [Fact]
    public void Comparing_a_timestamp_with_a_number_is_a_type_error()
    {
        const string text = "ts > 1767225600000";
        var error = SingleError(text, Scope(Video));
        AssertAt(error, text, ">", "cannot compare timestamp field 'ts' with integer 1767225600000");
    }

    [Fact]
    public void Unknown_list_suggests_the_nearest_list()
    {
        const string text = "vehicle_class in lists.hazmat_class";
        var lists = new Dictionary<string, IReadOnlyList<object>>(StringComparer.Ordinal) { ["hazmat_classes"] = ["hazmat_truck"] };
        var error = SingleError(text, Scope(Gps, lists));
        AssertAt(error, text, "hazmat_class", "unknown list 'hazmat_class'; did you mean 'hazmat_classes'?");
    }

    [Fact]
    public void A_condition_that_is_not_a_boolean_is_an_error()
    {
        const string text = "confidence * 2";
        var error = SingleError(text, Scope(Video));
        AssertAt(error, text, "confidence", "condition must be a boolean but is number");
    }

    [Fact]
    public void A_recursive_macro_is_an_error_at_the_reference_that_closes_the_cycle()
    {
        var a = new MacroDefinition("a", "confidence > 0.5 && b", 20, 8);
        var b = new MacroDefinition("b", "a || grid == 'G1'", 21, 8);
        var error = SingleError("a", Scope(Video, null, a, b));
        Assert.Equal(new RuleError(PackFile, 21, 8, "macro 'a' is recursive: a -> b -> a"), error);
    }

    [Fact]
    public void An_error_inside_a_macro_is_reported_at_the_macros_position()
    {
        var broken = new MacroDefinition("broken", "confidense > 0.5", 20, 14);
        var error = SingleError("alert_type == 'fire' && broken", Scope(Video, null, broken));
        Assert.Equal(20, error.Line);
        Assert.Equal(14, error.Column);
        Assert.Contains("did you mean 'confidence'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_independent_error_is_reported()
    {
        const string text = "confidense > 0.5 && alert_type == 'smok' && grid.matches('[') && foo(1)";
        var errors = Errors(text, Scope(Video));
        Assert.Equal(4, errors.Count);
        AssertAt(errors[0], text, "confidense", "unknown field");
        AssertAt(errors[1], text, "'smok'", "not an allowed value");
        AssertAt(errors[2], text, "'['", "invalid regular expression");
        AssertAt(errors[3], text, "foo", "unknown function 'foo'");
    }

    [Theory]
    [InlineData("confidence > 0.5 && 'a'", "'a'", "operator '&&' needs booleans but string 'a' is string")]
    [InlineData("!confidence", "!", "operator '!' needs a boolean but number field 'confidence' is number")]
    [InlineData("confidence.startsWith('0')", "startsWith", "startsWith() needs a string but number field 'confidence' is number")]
    [InlineData("grid + 1 == 'x'", "+", "operator '+' cannot be applied to string and integer")]
    [InlineData("(confidence > 0.5 ? 'a' : 1) == 'a'", "?", "the branches of '?:' have different types: string and integer")]
    [InlineData("grid in 'G1'", "'G1'", "expected a list after 'in'")]
    [InlineData("confidence in ['a']", "'a'", "cannot compare number field 'confidence' with string 'a'")]
    [InlineData("grid < null", "<", "operator '<' cannot compare with null")]
    [InlineData("ts - duration('1h') > duration('1h')", ">", "cannot compare timestamp with duration")]
    [InlineData("has(grid == 'x')", "grid", "has() takes a field name")]
    [InlineData("grid.matches(camera_id)", "camera_id", "matches() takes a string literal pattern")]
    [InlineData("duration(15) > duration('1m')", "15", "duration() takes a string literal")]
    [InlineData("grid.GetType() == null", "GetType", "unknown method 'GetType'; the string methods are startsWith, endsWith, contains, matches")]
    [InlineData("grid.Length > 2", "Length", "unexpected '.Length'")]
    [InlineData("lists.hazmat == null", "hazmat", "unknown list 'hazmat'; the pack defines no lists")]
    public void Type_errors_name_the_operator_and_operands(string text, string at, string fragment) =>
        AssertAt(SingleError(text, Scope(Video)), text, at, fragment);

    [Fact]
    public void Nesting_too_deep_is_an_error_not_a_crash()
    {
        var text = new string('(', 150) + "true" + new string(')', 150);
        var error = SingleError(text, Scope(Video));
        Assert.Contains("nested more than 100 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_cannot_be_a_duration()
    {
        var errors = new List<RuleError>();
        var value = ConditionCompiler.CompileValue("duration('1h')", Scope(Video), 7, 3, errors);
        Assert.Null(value);
        Assert.Equal(new RuleError(PackFile, 7, 3, "a value cannot be a duration; compare it or use it in 'in' instead"), Assert.Single(errors));
    }

    [Fact]
    public void A_value_with_an_error_returns_null_and_reports_it()
    {
        var errors = new List<RuleError>();
        var value = ConditionCompiler.CompileValue("confidence > 0.9 ? 'high' : sevrity", Scope(Video), 7, 3, errors);
        Assert.Null(value);
        Assert.Equal(7, Assert.Single(errors).Line);
        Assert.Equal(3 + 28, errors[0].Column);
    }
}
