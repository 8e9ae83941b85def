using System.CommandLine;

namespace CityStream.Cli.Internal;

/// <summary>Options several commands share, and where the shipped rules are.</summary>
internal static class CommonOptions
{
    public static Option<string> Rules(string description = "Directory of YAML rule packs (default: the shipped rules/).") => new("--rules")
    {
        Description = description,
        DefaultValueFactory = _ => DefaultRulesDirectory(),
    };

    public static Option<int> MetricsPort() => new("--metrics-port")
    {
        Description = "Port of the Prometheus /metrics endpoint on 127.0.0.1 (0: off).",
        DefaultValueFactory = _ => 9464,
    };

    public static Option<string?> Redis() => new("--redis")
    {
        Description = "Also write alerts to this Redis (host:port), e.g. 127.0.0.1:6379.",
    };

    public static Option<string?> Kafka() => new("--kafka")
    {
        Description = "Use this Kafka broker (bootstrap servers) instead of the in-process host.",
    };

    /// <summary>The <c>rules/</c> directory: next to the binary (copied at build), else the repository's.</summary>
    public static string DefaultRulesDirectory()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "rules");
        if (Directory.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CityStream.sln")))
            {
                return Path.Combine(dir.FullName, "rules");
            }
        }

        return "rules";
    }
}
