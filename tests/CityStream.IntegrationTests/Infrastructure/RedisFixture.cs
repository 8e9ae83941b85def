using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CityStream.IntegrationTests.Infrastructure;

/// <summary>
/// A Redis for integration tests, found in this order: the <c>CITYSTREAM_REDIS</c> environment variable
/// (a StackExchange.Redis configuration such as <c>127.0.0.1:6379</c>); else a <c>redis-server</c> on the PATH,
/// started on a free loopback port with no persistence and stopped on dispose; else unavailable, with
/// <see cref="SkipReason"/> saying why. Tests call <c>Skip.IfNot(fixture.Available, fixture.SkipReason)</c>
/// in a <c>[SkippableFact]</c> so that without Redis they are reported as skipped, never as passed.
/// Tests share the server: give every test its own keys (see <see cref="NewKeyPrefix"/>).
/// Classes in the <see cref="SharedRedis"/> collection share one instance.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime, IDisposable
{
    /// <summary>Environment variable naming an existing Redis to test against.</summary>
    public const string EnvironmentVariable = "CITYSTREAM_REDIS";

    private const int StartAttempts = 3;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private Process? _server;
    private string? _workingDirectory;

    /// <summary>Whether a Redis is there to test against.</summary>
    public bool Available { get; private set; }

    /// <summary>Why no Redis is available; <see langword="null"/> when one is.</summary>
    public string? SkipReason { get; private set; } = "The Redis fixture was not initialised.";

    /// <summary>StackExchange.Redis configuration string of the Redis (empty when unavailable).</summary>
    public string Configuration { get; private set; } = string.Empty;

    /// <summary>A key prefix no other test uses, e.g. <c>citystream-test:3f2a…:</c>.</summary>
    public static string NewKeyPrefix() => "citystream-test:" + Guid.NewGuid().ToString("N") + ":";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            MarkAvailable(configured);
            return;
        }

        var executable = FindOnPath("redis-server");
        if (executable is null)
        {
            SkipReason = $"No Redis: set {EnvironmentVariable} (e.g. 127.0.0.1:6379) or put redis-server on the PATH (apt-get install -y redis-server).";
            return;
        }

        // The free port found is only free until someone else takes it; a lost race is retried on another port.
        for (var attempt = 0; attempt < StartAttempts && !Available; attempt++)
        {
            StopServer();
            await StartServerAsync(executable).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Stops the redis-server this fixture started, if any, and deletes its directory.</summary>
    public void Dispose()
    {
        StopServer();
        if (_workingDirectory is not null && Directory.Exists(_workingDirectory))
        {
            Directory.Delete(_workingDirectory, recursive: true);
            _workingDirectory = null;
        }
    }

    private void StopServer()
    {
        if (_server is { } server)
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit();
            }

            server.Dispose();
            _server = null;
        }
    }

    private async Task StartServerAsync(string executable)
    {
        var port = FreeLoopbackPort();
        _workingDirectory ??= Directory.CreateTempSubdirectory("citystream-redis-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = _workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var output = new System.Text.StringBuilder();
        _server = new Process { StartInfo = start };
        _server.OutputDataReceived += (_, line) => AppendLine(output, line.Data);
        _server.ErrorDataReceived += (_, line) => AppendLine(output, line.Data);
        _server.Start();
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_server.HasExited)
            {
                SkipReason = $"redis-server ({executable}) exited with code {_server.ExitCode} on start: {Snapshot(output)}";
                return;
            }

            if (await AcceptsConnectionsAsync(port).ConfigureAwait(false))
            {
                MarkAvailable("127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        SkipReason = $"redis-server ({executable}) did not accept connections on port {port} within {StartTimeout.TotalSeconds} s: {Snapshot(output)}";
    }

    private void MarkAvailable(string configuration)
    {
        Configuration = configuration;
        Available = true;
        SkipReason = null;
    }

    private static void AppendLine(System.Text.StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(System.Text.StringBuilder output)
    {
        lock (output)
        {
            return output.ToString().Trim();
        }
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>
/// The xunit collection of tests sharing one <see cref="RedisFixture"/>: put <c>[Collection(SharedRedis.Name)]</c>
/// on a test class and take a <see cref="RedisFixture"/> in its constructor.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedRedis : ICollectionFixture<RedisFixture>
{
    /// <summary>Name of the collection.</summary>
    public const string Name = "Shared Redis";
}
