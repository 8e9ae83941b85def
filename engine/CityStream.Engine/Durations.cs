using System.Globalization;

namespace CityStream.Engine;

/// <summary>Parses and prints the durations of rule packs and schemas: <c>500ms</c>, <c>30s</c>, <c>15m</c>, <c>2h</c>, <c>7d</c>, or sums such as <c>1h30m</c>.</summary>
public static class Durations
{
    /// <summary>Parses a duration; false (and zero) when the text is not one.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        text = text.Trim();
        if (text.IsEmpty)
        {
            return false;
        }

        long totalMs = 0;
        while (!text.IsEmpty)
        {
            var digits = 0;
            while (digits < text.Length && char.IsAsciiDigit(text[digits]))
            {
                digits++;
            }

            if (digits == 0 || !long.TryParse(text[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            text = text[digits..];
            long unitMs;
            if (text.StartsWith("ms", StringComparison.Ordinal))
            {
                unitMs = 1;
                text = text[2..];
            }
            else if (!text.IsEmpty)
            {
                unitMs = text[0] switch
                {
                    's' => 1_000,
                    'm' => 60_000,
                    'h' => 3_600_000,
                    'd' => 86_400_000,
                    'w' => 604_800_000,
                    _ => 0,
                };
                if (unitMs == 0)
                {
                    return false;
                }

                text = text[1..];
            }
            else
            {
                return false;
            }

            totalMs = checked(totalMs + (amount * unitMs));
        }

        value = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }

    /// <summary>Parses a duration or throws <see cref="FormatException"/>.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a duration (expected e.g. 500ms, 30s, 15m, 2h, 7d)");

    /// <summary>Prints a duration in the shortest unit that is exact (e.g. <c>15m</c>).</summary>
    public static string Format(TimeSpan value)
    {
        var ms = (long)value.TotalMilliseconds;
        return ms switch
        {
            0 => "0s",
            _ when ms % 86_400_000 == 0 => $"{ms / 86_400_000}d",
            _ when ms % 3_600_000 == 0 => $"{ms / 3_600_000}h",
            _ when ms % 60_000 == 0 => $"{ms / 60_000}m",
            _ when ms % 1_000 == 0 => $"{ms / 1_000}s",
            _ => $"{ms}ms",
        };
    }
}
