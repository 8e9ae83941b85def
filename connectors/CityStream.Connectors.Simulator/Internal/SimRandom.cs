namespace CityStream.Connectors.Simulator.Internal;

/// <summary>Independent, reproducible random streams derived from the run's seed, and the distributions the city needs.</summary>
internal static class SimRandom
{
    /// <summary>A generator for one named stream (and instance) of a run: the same inputs always give the same numbers.</summary>
    public static Random Create(int seed, string stream, int index = 0) => new(Derive(seed, stream, index));

    public static int Derive(int seed, string stream, int index)
    {
        var h = Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL);
        foreach (var c in stream)
        {
            h = Mix(h ^ c);
        }

        h = Mix(h ^ (ulong)(uint)index);
        return (int)(h & 0x7FFF_FFFF);
    }

    /// <summary>A stable 64-bit hash of a string (FNV-1a), independent of the process's string hashing.</summary>
    public static ulong StableHash(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return h;
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static double Uniform(this Random random, double min, double max) => min + (random.NextDouble() * (max - min));

    public static long UniformMs(this Random random, TimeSpan min, TimeSpan max) =>
        (long)random.Uniform(min.TotalMilliseconds, max.TotalMilliseconds);

    public static bool Chance(this Random random, double probability) => probability > 0 && random.NextDouble() < probability;

    public static double Gaussian(this Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Waiting time of a Poisson process with the given mean gap.</summary>
    public static double Exponential(this Random random, double mean) => -mean * Math.Log(1.0 - random.NextDouble());

    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>Picks an index by weight (weights need not sum to 1).</summary>
    public static int PickWeighted(this Random random, ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (var w in weights)
        {
            total += w;
        }

        var x = random.NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    /// <summary>A pseudonymous id such as <c>c_3fa81c09d2e4b761</c>.</summary>
    public static string HexId(this Random random, string prefix)
    {
        Span<byte> bytes = stackalloc byte[8];
        random.NextBytes(bytes);
        return prefix + Convert.ToHexStringLower(bytes);
    }
}
