using CityStream.Engine.Internal.Rules;
using CityStream.Engine.RuleTests.Internal;

namespace CityStream.Engine.RuleTests;

/// <summary>
/// Runs rule tests (<c>&lt;pack&gt;.test.yaml</c> next to the packs, format in <c>schemas/rule-test.schema.json</c>), in
/// the spirit of <c>promtool test rules</c>: each test feeds its input on a virtual clock through the
/// in-process host and compares the alerts and dead letters with the expected ones. <c>citystream rules test</c>
/// and the test suite both call it.
/// </summary>
public static class RuleTestRunner
{
    /// <summary>Runs one test file, or every <c>*.test.yaml</c> / <c>*.test.yml</c> of a directory (not its subdirectories).</summary>
    /// <param name="path">A test file or a directory.</param>
    /// <param name="schemas">Source schemas (default: the shipped ones).</param>
    public static RuleTestReport RunPath(string path, SchemaRegistry? schemas = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.test.y*ml", SearchOption.TopDirectoryOnly)
                .Where(f => f.EndsWith(".test.yaml", StringComparison.Ordinal) || f.EndsWith(".test.yml", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [path];
        if (files.Count == 0)
        {
            return new RuleTestReport([new RuleError(path, 1, 1, "no rule tests (*.test.yaml) in this directory")], []);
        }

        var errors = new List<RuleError>();
        var results = new List<RuleTestResult>();
        foreach (var file in files)
        {
            var text = ReadFile(file);
            if (text is null)
            {
                errors.Add(new RuleError(file, 1, 1, "cannot read the test file"));
                continue;
            }

            var report = Run(file, text, ReadFile, schemas);
            errors.AddRange(report.Errors);
            results.AddRange(report.Results);
        }

        return new RuleTestReport(errors, results);
    }

    /// <summary>Runs the tests of one test file given as text.</summary>
    /// <param name="testFile">Path of the test file (for positions, and to find its packs next to it).</param>
    /// <param name="testYaml">The test file's YAML.</param>
    /// <param name="readFile">Reads a pack by path (the test file's directory joined with the name in <c>packs</c>); null when there is none.</param>
    /// <param name="schemas">Source schemas (default: the shipped ones).</param>
    public static RuleTestReport Run(string testFile, string testYaml, Func<string, string?> readFile, SchemaRegistry? schemas = null)
    {
        ArgumentNullException.ThrowIfNull(testFile);
        ArgumentNullException.ThrowIfNull(testYaml);
        ArgumentNullException.ThrowIfNull(readFile);
        schemas ??= SchemaRegistry.Default;
        var errors = new List<RuleError>();
        var model = TestFileParser.Parse(testFile, testYaml, schemas, errors);
        if (model is null)
        {
            return new RuleTestReport(errors, []);
        }

        var rules = LoadPacks(model, readFile, schemas, errors);
        if (rules is null)
        {
            return new RuleTestReport(errors, []);
        }

        var results = new List<RuleTestResult>();
        foreach (var test in model.Tests)
        {
            var (alerts, deadLetters) = TestExecutor.Run(test, rules, schemas);
            var differences = ResultComparer.Compare(test, alerts, deadLetters);
            results.Add(new RuleTestResult(testFile, test.Line, test.Column, test.Name, differences, alerts, [.. deadLetters.Select(d => d.Letter)]));
        }

        return new RuleTestReport(errors, results);
    }

    private static RuleSet? LoadPacks(TestFileModel model, Func<string, string?> readFile, SchemaRegistry schemas, List<RuleError> errors)
    {
        var directory = Path.GetDirectoryName(model.File) ?? string.Empty;
        var packs = new List<(string File, string Yaml)>();
        foreach (var pack in model.Packs)
        {
            var path = directory.Length == 0 ? pack.Path : Path.Combine(directory, pack.Path);
            if (readFile(path) is { } yaml)
            {
                packs.Add((path, yaml));
            }
            else
            {
                errors.Add(new RuleError(model.File, pack.Line, pack.Column, $"cannot read the pack '{path}' this file tests" + (pack.Line == 1 && pack.Column == 1 ? " (name the packs with 'packs: [...]')" : string.Empty)));
            }
        }

        var loaded = RuleSet.FromYaml(packs, schemas);
        errors.AddRange(loaded.Errors);
        if (loaded.RuleSet is null || errors.Count > 0)
        {
            return null;
        }

        var ids = loaded.RuleSet.Rules.Select(r => r.Id).ToList();
        foreach (var reference in model.RuleReferences.Where(r => !ids.Contains(r.Id)))
        {
            var hint = Engine.Internal.Suggestions.Nearest(reference.Id, ids);
            errors.Add(new RuleError(model.File, reference.Line, reference.Column, $"no enabled rule '{reference.Id}' in the packs this file tests" + (hint is null ? string.Empty : $"; did you mean '{hint}'?")));
        }

        return errors.Count > 0 ? null : loaded.RuleSet;
    }

    private static string? ReadFile(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
