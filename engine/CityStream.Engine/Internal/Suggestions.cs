namespace CityStream.Engine.Internal;

/// <summary>"did you mean ...?" hints: the nearest candidate by edit distance, if it is near enough.</summary>
internal static class Suggestions
{
    /// <summary>"; did you mean 'x'?" for the nearest candidate, or "" when none is close.</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates)
    {
        var nearest = Nearest(name, candidates);
        return nearest is null ? string.Empty : $"; did you mean '{nearest}'?";
    }

    public static string? Nearest(string name, IEnumerable<string> candidates)
    {
        var limit = Math.Max(2, name.Length / 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase) ? 0 : EditDistance(name, candidate);
            if (distance <= limit && (distance < bestDistance
                || (distance == bestDistance && best is not null && Math.Abs(candidate.Length - name.Length) < Math.Abs(best.Length - name.Length))))
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1.</summary>
    public static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
