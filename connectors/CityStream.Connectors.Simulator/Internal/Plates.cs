using System.Globalization;

namespace CityStream.Connectors.Simulator.Internal;

/// <summary>Nantong licence plates (苏F…): background vehicles start with a digit, scenario vehicles with a letter, so they never collide.</summary>
internal static class Plates
{
    private const string Letters = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const int ScenarioSpace = 24 * 10_000;

    public static string Background(Random random, HashSet<string> used)
    {
        while (true)
        {
            var plate = string.Create(CultureInfo.InvariantCulture, $"苏F{random.Next(0, 100_000):00000}");
            if (used.Add(plate))
            {
                return plate;
            }
        }
    }

    /// <summary>A distinct plate per (scenario stream, instance) of a run, for instance &lt; 5,000 and stream &lt; 48.</summary>
    public static string Scenario(int seed, int stream, int instance)
    {
        var n = (long)((stream * 5_000) + instance);
        var scrambled = ((n * 7_919) + (uint)seed) % ScenarioSpace;
        var letter = Letters[(int)(scrambled / 10_000)];
        return string.Create(CultureInfo.InvariantCulture, $"苏F{letter}{scrambled % 10_000:0000}");
    }
}
