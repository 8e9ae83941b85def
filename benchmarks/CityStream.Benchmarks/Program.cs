using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Running;
using CityStream.Benchmarks.E2e;

namespace CityStream.Benchmarks;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "e2e")
        {
            return await E2eHarness.RunAsync(args[1..]).ConfigureAwait(false);
        }

        var config = DefaultConfig.Instance;
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RedisSinkBenchmarks.EnvironmentVariable)))
        {
            config = config.AddFilter(new SimpleFilter(b => b.Descriptor.Type != typeof(RedisSinkBenchmarks)));
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }
}
