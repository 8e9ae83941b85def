using System.Globalization;
using CityStream.Engine;
using Spectre.Console;

namespace CityStream.Cli.Internal;

/// <summary>
/// The demo's live console: a table of the latest alerts and the running counts when the terminal is
/// interactive, one line per alert otherwise (CI, pipes).
/// </summary>
internal sealed class ConsoleAlertView
{
    private const int Rows = 15;
    private readonly Queue<Alert> _latest = new();
    private readonly object _gate = new();
    private readonly bool _interactive = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;

    public bool Interactive => _interactive;

    public void Add(IReadOnlyList<Alert> alerts)
    {
        lock (_gate)
        {
            foreach (var alert in alerts)
            {
                if (!_interactive)
                {
                    Console.WriteLine($"ALERT {alert.Severity,-8} {alert.Rule,-22} {alert.Key,-14} {alert.Title}");
                }

                _latest.Enqueue(alert);
                while (_latest.Count > Rows)
                {
                    _latest.Dequeue();
                }
            }
        }
    }

    public Table Render(InProcessHost host)
    {
        var table = new Table().Border(TableBorder.Rounded).Expand()
            .Title($"[bold]CityStream demo[/] — events {host.EventsIn:N0} · processed {host.EventsProcessed:N0} · dead-lettered {host.DeadLettered:N0} · alerts {host.AlertsEmitted:N0}")
            .Caption("Ctrl-C to stop · alerts also in the NDJSON file · /metrics on the metrics port");
        table.AddColumns("event time", "severity", "rule", "key", "title");
        lock (_gate)
        {
            foreach (var alert in _latest.Reverse())
            {
                var color = alert.Severity switch { "critical" => "red", "high" => "orangered1", "medium" => "yellow", _ => "grey" };
                table.AddRow(
                    DateTimeOffset.FromUnixTimeMilliseconds(alert.LastEventTime).ToOffset(TimeSpan.FromHours(8)).ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    $"[{color}]{alert.Severity}[/]",
                    Markup.Escape(alert.Rule),
                    Markup.Escape(alert.Key),
                    Markup.Escape(alert.Title));
            }
        }

        return table;
    }
}
