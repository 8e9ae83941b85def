using System.Globalization;
using System.Text.RegularExpressions;

namespace CityStream.Engine.RuleTests.Internal;

/// <summary>Times of a rule test: <c>+5m</c> / <c>-2m</c> from the start, or an absolute RFC 3339 time with an offset.</summary>
internal static partial class TestTimes
{
    public static bool TryParseAbsolute(string text, out long ms)
    {
        ms = 0;
        if (!Rfc3339().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return false;
        }

        ms = time.ToUnixTimeMilliseconds();
        return true;
    }

    public static bool TryParse(string text, long startMs, out long ms)
    {
        ms = 0;
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length > 1 && trimmed[0] is '+' or '-')
        {
            if (!Durations.TryParse(trimmed[1..], out var offset))
            {
                return false;
            }

            var offsetMs = (long)offset.TotalMilliseconds;
            ms = trimmed[0] == '+' ? startMs + offsetMs : startMs - offsetMs;
            return true;
        }

        return TryParseAbsolute(text, out ms);
    }

    public static string Format(long ms, long startMs)
    {
        var offset = ms - startMs;
        return (offset < 0 ? "-" : "+") + Durations.Format(TimeSpan.FromMilliseconds(Math.Abs(offset)));
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();
}
