using CityStream.Engine.Internal.Conditions;

namespace CityStream.Engine.Tests.Conditions;

/// <summary>Schemas, scopes and events for the condition tests; conditions start at line 3, column 12 of rules/test.yaml.</summary>
internal static class ConditionTestKit
{
    public const string PackFile = "rules/test.yaml";
    public const int Line = 3;
    public const int Column = 12;

    public static SourceSchema Video => SchemaRegistry.Default.BySource("video_alert")!;

    public static SourceSchema Gps => SchemaRegistry.Default.BySource("vehicle_gps")!;

    public static SourceSchema Police => SchemaRegistry.Default.BySource("police_event")!;

    public static SourceSchema Utility => SchemaRegistry.Default.BySource("utility")!;

    public static ConditionScope Scope(
        SourceSchema schema,
        Dictionary<string, IReadOnlyList<object>>? lists = null,
        params MacroDefinition[] macros)
    {
        var byName = new Dictionary<string, MacroDefinition>(StringComparer.Ordinal);
        foreach (var macro in macros)
        {
            byName[macro.Name] = macro;
        }

        return new ConditionScope
        {
            Schema = schema,
            File = PackFile,
            Lists = lists ?? new Dictionary<string, IReadOnlyList<object>>(StringComparer.Ordinal),
            Macros = byName,
        };
    }

    public static CityEvent Event(SourceSchema schema, params (string Field, object Value)[] values)
    {
        var e = new CityEvent(schema);
        foreach (var (name, value) in values)
        {
            var field = schema.Field(name) ?? throw new ArgumentException($"no field {name}", nameof(values));
            switch (value)
            {
                case string s:
                    e.SetString(field.Index, s);
                    break;
                case bool b:
                    e.SetNumber(field.Index, b ? 1 : 0);
                    break;
                default:
                    e.SetNumber(field.Index, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }

        return e;
    }

    public static CityEvent Smoke(double confidence = 0.9) =>
        Event(Video, ("id", "v1"), ("ts", 1_767_225_600_000L), ("camera_id", "cam-7"), ("alert_type", "smoke"), ("confidence", confidence), ("grid", "G0412"));

    public static CompiledCondition Compile(string text, ConditionScope scope)
    {
        var errors = new List<RuleError>();
        var compiled = ConditionCompiler.CompilePredicate(text, scope, Line, Column, errors);
        Assert.True(compiled is not null, $"'{text}' did not compile: {string.Join("; ", errors)}");
        Assert.Empty(errors);
        return compiled;
    }

    public static bool Evaluate(string text, CityEvent e) => Compile(text, Scope(e.Schema)).Evaluate(e);

    public static List<RuleError> Errors(string text, ConditionScope scope)
    {
        var errors = new List<RuleError>();
        var compiled = ConditionCompiler.CompilePredicate(text, scope, Line, Column, errors);
        Assert.Null(compiled);
        Assert.NotEmpty(errors);
        return errors;
    }

    public static RuleError SingleError(string text, ConditionScope scope)
    {
        var errors = Errors(text, scope);
        Assert.True(errors.Count == 1, $"expected one error but got: {string.Join("; ", errors)}");
        Assert.Equal(PackFile, errors[0].File);
        return errors[0];
    }

    /// <summary>Asserts an error is at line 3 and at the column where <paramref name="at"/> first occurs in the text, and mentions <paramref name="fragment"/>.</summary>
    public static void AssertAt(RuleError error, string text, string at, string fragment)
    {
        Assert.Equal(Line, error.Line);
        Assert.Equal(Column + text.IndexOf(at, StringComparison.Ordinal), error.Column);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }
}
