using CityStream.Engine;

namespace CityStream.IntegrationTests.Cli;

public sealed class ReplayCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("citystream-replay-").FullName;

    [Fact]
    public async Task Simulated_history_replays_to_alerts_and_a_second_replay_adds_no_alert()
    {
        using (var simulate = CliProcess.Start(_directory, "simulate", "--out", "history", "--events-per-day", "100000", "--duration", "3h"))
        {
            Assert.Equal(0, await simulate.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }

        Assert.True(File.Exists(Path.Combine(_directory, "history", "labels.ndjson")));
        Assert.True(File.Exists(Path.Combine(_directory, "history", "ref", "grids.geojson")));

        using (var replay = CliProcess.Start(_directory, "replay", "--input", "history", "--rules", ShippedRules.RepositoryRoot.Rules))
        {
            Assert.Equal(0, await replay.WaitForExitAsync(TimeSpan.FromSeconds(90)));
            Assert.Contains("replay summary", replay.Stdout, StringComparison.Ordinal);
        }

        var first = File.ReadAllLines(Path.Combine(_directory, "replay-alerts.ndjson"));
        using (var again = CliProcess.Start(_directory, "replay", "--input", "history", "--rules", ShippedRules.RepositoryRoot.Rules))
        {
            Assert.Equal(0, await again.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        }

        var second = File.ReadAllLines(Path.Combine(_directory, "replay-alerts.ndjson"));
        Assert.NotEmpty(first);
        Assert.Equal(first.Length, second.Length);
        Assert.Contains(first, line => AlertJson.Deserialize(line)!.Rule == "video.smoke");
        var letters = File.ReadAllLines(Path.Combine(_directory, "replay-dead-letters.ndjson"));
        Assert.NotEmpty(letters);
        Assert.All(letters, l => Assert.Contains("\"reason\":", l, StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
