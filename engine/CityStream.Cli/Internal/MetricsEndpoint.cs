using Prometheus;

namespace CityStream.Cli.Internal;

/// <summary>Serves <c>/metrics</c> with prometheus-net's own HTTP listener (no web framework needed).</summary>
internal static class MetricsEndpoint
{
    public static IDisposable? Start(int port, string host = "127.0.0.1")
    {
        if (port <= 0)
        {
            return null;
        }

        var server = new MetricServer(hostname: host, port: port);
        try
        {
            server.Start();
            Console.Error.WriteLine($"metrics: http://{host}:{port}/metrics");
            return server;
        }
        catch (System.Net.HttpListenerException ex)
        {
            Console.Error.WriteLine($"metrics: could not listen on port {port}: {ex.Message}");
            server.Dispose();
            return null;
        }
    }
}
