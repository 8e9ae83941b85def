using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine;

/// <summary>
/// All rule packs the engine runs, loaded from YAML files and compiled against the source schemas.
/// Loading never half-succeeds: either every pack compiles, or the result carries every error with its
/// <c>file:line:col</c> and no rule set.
/// </summary>
public sealed class RuleSet
{
    private RuleSet(IReadOnlyList<RulePack> packs)
    {
        Packs = packs;
        Rules = [.. packs.SelectMany(p => p.Rules)];
    }

    /// <summary>An empty rule set.</summary>
    public static RuleSet Empty { get; } = new([]);

    /// <summary>The packs.</summary>
    public IReadOnlyList<RulePack> Packs { get; }

    internal IReadOnlyList<CompiledRule> Rules { get; }

    /// <summary>Loads every <c>*.yaml</c> / <c>*.yml</c> pack of a directory (test files, <c>*.test.yaml</c>, are skipped), or one file.</summary>
    public static RuleSetLoadResult Load(string path, SchemaRegistry? schemas = null)
    {
        var files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.y*ml", SearchOption.TopDirectoryOnly)
                .Where(f => !f.EndsWith(".test.yaml", StringComparison.Ordinal) && !f.EndsWith(".test.yml", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [path];
        if (files.Count == 0 && Directory.Exists(path))
        {
            return new RuleSetLoadResult(null, [new RuleError(path, 1, 1, "no rule packs (*.yaml) in this directory")]);
        }

        var sources = new List<(string File, string Yaml)>();
        var errors = new List<RuleError>();
        foreach (var file in files)
        {
            try
            {
                sources.Add((file, File.ReadAllText(file)));
            }
            catch (IOException ex)
            {
                errors.Add(new RuleError(file, 1, 1, "cannot read the pack: " + ex.Message));
            }
        }

        var result = FromYaml(sources, schemas);
        return errors.Count == 0 ? result : new RuleSetLoadResult(null, [.. errors, .. result.Errors]);
    }

    /// <summary>Compiles packs from YAML text: (file name for errors, YAML).</summary>
    public static RuleSetLoadResult FromYaml(IEnumerable<(string File, string Yaml)> packs, SchemaRegistry? schemas = null)
    {
        ArgumentNullException.ThrowIfNull(packs);
        schemas ??= SchemaRegistry.Default;
        var errors = new List<RuleError>();
        var compiled = new List<RulePack>();
        foreach (var (file, yaml) in packs)
        {
            var pack = PackCompiler.Compile(file, yaml, schemas, errors);
            if (pack is not null)
            {
                compiled.Add(pack);
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var ruleIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pack in compiled)
        {
            if (!names.Add(pack.Name))
            {
                errors.Add(new RuleError(pack.File, 1, 1, $"pack name '{pack.Name}' is used by another file"));
            }

            foreach (var rule in pack.Rules)
            {
                if (!ruleIds.TryAdd(rule.Id, pack.File))
                {
                    errors.Add(new RuleError(pack.File, rule.Line, 1, $"duplicate rule id '{rule.Id}' (also in {ruleIds[rule.Id]})"));
                }
            }
        }

        return errors.Count > 0 ? new RuleSetLoadResult(null, errors) : new RuleSetLoadResult(new RuleSet(compiled), []);
    }
}

/// <summary>The outcome of loading rule packs: a rule set, or every error found.</summary>
/// <param name="RuleSet">The compiled set, or null when there were errors.</param>
/// <param name="Errors">Every error, each with its file:line:col.</param>
public sealed record RuleSetLoadResult(RuleSet? RuleSet, IReadOnlyList<RuleError> Errors)
{
    /// <summary>Whether the packs loaded.</summary>
    public bool Succeeded => RuleSet is not null;
}
