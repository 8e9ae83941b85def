using CityStream.Engine;
using Spectre.Console;

namespace CityStream.Cli.Internal;

/// <summary>
/// Hot reload: watches a rules directory and, when a pack changes, loads the whole set again. A set that
/// compiles is handed over to be swapped in between two batches; a bad one is refused with every error and
/// the running set stays. Both outcomes are logged and counted.
/// </summary>
internal sealed class RulesWatcher : IDisposable
{
    private readonly string _directory;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _debounce;
    private RuleSet? _pending;

    public RulesWatcher(string directory, bool enabled)
    {
        _directory = directory;
        _debounce = new Timer(_ => Reload());
        if (enabled && Directory.Exists(directory))
        {
            _watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = false, EnableRaisingEvents = true };
            _watcher.Changed += (_, _) => _debounce.Change(300, Timeout.Infinite);
            _watcher.Created += (_, _) => _debounce.Change(300, Timeout.Infinite);
            _watcher.Renamed += (_, _) => _debounce.Change(300, Timeout.Infinite);
            _watcher.Deleted += (_, _) => _debounce.Change(300, Timeout.Infinite);
        }
    }

    /// <summary>Loads the rules once at start; null (errors printed) when they do not compile.</summary>
    public static RuleSet? LoadInitial(string directory)
    {
        var result = RuleSet.Load(directory);
        if (result.RuleSet is null)
        {
            EngineMetrics.PackReloads.WithLabels("refused").Inc();
            PrintErrors(result.Errors);
            return null;
        }

        EngineMetrics.PackReloads.WithLabels("loaded").Inc();
        return result.RuleSet;
    }

    public static void PrintErrors(IReadOnlyList<RuleError> errors)
    {
        foreach (var error in errors)
        {
            Console.Error.WriteLine(error.ToString());
        }

        Console.Error.WriteLine($"{errors.Count} error(s)");
    }

    /// <summary>A newly loaded rule set waiting to be swapped in, taken once.</summary>
    public RuleSet? TakePending() => Interlocked.Exchange(ref _pending, null);

    private void Reload()
    {
        var result = RuleSet.Load(_directory);
        if (result.RuleSet is null)
        {
            EngineMetrics.PackReloads.WithLabels("refused").Inc();
            AnsiConsole.MarkupLine($"[red]rule reload refused[/] ({result.Errors.Count} error(s)); the running rules stay:");
            PrintErrors(result.Errors);
            return;
        }

        EngineMetrics.PackReloads.WithLabels("loaded").Inc();
        AnsiConsole.MarkupLine($"[green]rules reloaded[/]: {result.RuleSet.Packs.Count} pack(s), {result.RuleSet.Packs.Sum(p => p.RuleIds.Count())} rule(s)");
        Volatile.Write(ref _pending, result.RuleSet);
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce.Dispose();
    }
}
