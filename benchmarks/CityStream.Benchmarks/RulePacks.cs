using CityStream.Engine;

namespace CityStream.Benchmarks;

/// <summary>Compiles packs for the benchmarks, failing loudly with every error.</summary>
internal static class RulePacks
{
    public static RuleSet Compile(params (string File, string Yaml)[] packs) => Compile(packs, null);

    public static RuleSet Compile(IEnumerable<(string File, string Yaml)> packs, SchemaRegistry? schemas)
    {
        var result = RuleSet.FromYaml(packs, schemas);
        return result.RuleSet ?? throw new InvalidOperationException("pack does not compile: " + string.Join("; ", result.Errors));
    }

    /// <summary>Every shipped pack of <c>rules/</c>.</summary>
    public static RuleSet Shipped()
    {
        var result = RuleSet.Load(RepoPaths.Rules);
        return result.RuleSet ?? throw new InvalidOperationException("shipped packs do not compile: " + string.Join("; ", result.Errors));
    }
}

/// <summary>Where the repository and ../shared are, found from the working directory or the binary upwards.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string Rules => Path.Combine(Root, "rules");

    public static string Shared => Environment.GetEnvironmentVariable("CITYSTREAM_SHARED") ?? Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    private static string FindRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CityStream.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("cannot find the repository root (CityStream.sln) above " + Environment.CurrentDirectory);
    }
}
