using System.CommandLine;
using System.Runtime.InteropServices;
using CityStream.Cli.Commands;

namespace CityStream.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        // Ctrl-C and SIGTERM end the running command through its cancellation token, so it flushes its sinks
        // and exits 0; System.CommandLine's own handling would end the process with 130 instead.
        using var shutdown = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            shutdown.Cancel();
        }

        var root = new RootCommand("citystream — a risk early-warning engine for city governance: city data streams in, YAML rules find risks, warnings go out.");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(RulesCommand.Create());
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, shutdown.Token);
    }
}
