using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CityStream.Engine;

namespace CityStream.IntegrationTests.Cli;

public sealed class DemoCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("citystream-demo-").FullName;

    [Fact]
    public async Task Demo_with_nothing_installed_shows_alerts_within_30_seconds_and_stops_cleanly_on_ctrl_c()
    {
        using var demo = CliProcess.Start(_directory, "demo", "--metrics-port", "0");

        var sawAlert = await demo.WaitForOutputAsync("ALERT ", TimeSpan.FromSeconds(30));
        demo.Interrupt();
        var exit = await demo.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.True(sawAlert, "no alert within 30 s:\n" + demo.Stdout + demo.Stderr);
        Assert.Equal(0, exit);
        Assert.Contains("demo stopped", demo.Stderr, StringComparison.Ordinal);
        var lines = File.ReadAllLines(Path.Combine(_directory, "alerts.ndjson"));
        Assert.NotEmpty(lines);
        var alerts = lines.Select(l => AlertJson.Deserialize(l)!).ToList();
        Assert.Equal(alerts.Count, alerts.Select(a => a.Id).Distinct().Count());
        Assert.All(alerts, a => Assert.Matches("^[0-9a-f]{32}$", a.Id));
    }

    [SkippableFact]
    public async Task Metrics_endpoint_serves_the_engine_metrics_and_promtool_finds_no_problem()
    {
        var promtool = FindOnPath("promtool");
        Skip.If(promtool is null, "promtool is not installed (Debian package 'prometheus'; .ci/run installs it)");
        var port = FreePort();
        using var demo = CliProcess.Start(_directory, "demo", "--metrics-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(await demo.WaitForOutputAsync("ALERT ", TimeSpan.FromSeconds(30)), demo.Stderr);

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        demo.Interrupt();
        await demo.WaitForExitAsync(TimeSpan.FromSeconds(15));

        foreach (var name in new[]
        {
            "citystream_events_in_total{", "citystream_events_processed_total{", "# TYPE citystream_dead_letters_total counter",
            "citystream_alerts_total{", "citystream_alert_latency_seconds_bucket{", "citystream_sink_writes_total{",
            "citystream_rule_pack_reloads_total{", "# TYPE citystream_sink_errors_total counter", "# TYPE citystream_sink_retries_total counter",
            "# TYPE citystream_state_keys gauge", "# TYPE citystream_alerts_suppressed_total counter",
        })
        {
            Assert.Contains(name, metrics, StringComparison.Ordinal);
        }

        var check = new ProcessStartInfo(promtool!, ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(check)!;
        await process.StandardInput.WriteAsync(metrics);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0 && output.Trim().Length == 0, "promtool: " + output);
    }

    [Fact]
    public async Task Rules_check_passes_on_the_shipped_packs_and_reports_file_line_col_on_a_broken_one()
    {
        using (var ok = CliProcess.Start(_directory, "rules", "check", ShippedRules.RepositoryRoot.Rules))
        {
            Assert.Equal(0, await ok.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        var broken = Path.Combine(_directory, "broken.yaml");
        await File.WriteAllTextAsync(broken, "pack: broken\nrules:\n  - id: a\n    kind: match\n    source: hotline\n    where: categroy == 'noise'\n    alert: { title: t }\n");
        using var bad = CliProcess.Start(_directory, "rules", "check", broken);

        Assert.Equal(1, await bad.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(broken + ":6:12:", bad.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
