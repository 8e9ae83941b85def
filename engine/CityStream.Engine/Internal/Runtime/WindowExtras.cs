using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The template placeholders of a window alert (<c>window_start</c>, <c>window_end</c> and each aggregate), captured as
/// numbers when the rule fires and formatted only when a template is rendered: a window can fire for every key every
/// minute, and most alerts are rendered once by a sink, if at all, so no dictionary or strings are made up front.
/// </summary>
internal sealed class WindowExtras(IReadOnlyList<AggregateSpec> specs, double[] values, long windowStart, long windowEnd) : IReadOnlyDictionary<string, string>
{
    private const string WindowStart = "window_start";
    private const string WindowEnd = "window_end";

    public int Count => specs.Count + 2;

    public IEnumerable<string> Keys
    {
        get
        {
            foreach (var (key, _) in this)
            {
                yield return key;
            }
        }
    }

    public IEnumerable<string> Values
    {
        get
        {
            foreach (var (_, value) in this)
            {
                yield return value;
            }
        }
    }

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        if (string.Equals(key, WindowStart, StringComparison.Ordinal))
        {
            value = FormatMinute(windowStart);
            return true;
        }

        if (string.Equals(key, WindowEnd, StringComparison.Ordinal))
        {
            value = FormatMinute(windowEnd);
            return true;
        }

        for (var i = 0; i < specs.Count; i++)
        {
            if (string.Equals(specs[i].Name, key, StringComparison.Ordinal))
            {
                value = values[i].ToString("0.##", CultureInfo.InvariantCulture);
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>Appends the value of placeholder <paramref name="key"/> (nothing for an unknown one), formatting numbers in place.</summary>
    public void AppendTo(System.Text.StringBuilder builder, string key)
    {
        if (string.Equals(key, WindowStart, StringComparison.Ordinal) || string.Equals(key, WindowEnd, StringComparison.Ordinal))
        {
            builder.Append(this[key]);
            return;
        }

        for (var i = 0; i < specs.Count; i++)
        {
            if (string.Equals(specs[i].Name, key, StringComparison.Ordinal))
            {
                AppendNumber(builder, values[i]);
                return;
            }
        }
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        yield return new(WindowStart, FormatMinute(windowStart));
        yield return new(WindowEnd, FormatMinute(windowEnd));
        for (var i = 0; i < specs.Count; i++)
        {
            yield return new(specs[i].Name, values[i].ToString("0.##", CultureInfo.InvariantCulture));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Appends an aggregate as <c>0.##</c> formats it.</summary>
    internal static void AppendNumber(System.Text.StringBuilder builder, double value)
    {
        // A count or a whole sum (most aggregates) is its integer: the custom format's general algorithm was most of rendering a
        // window alert's title. Below 10^15 "0.##" prints every digit of an integer; negative zero it prints as "-0".
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15 && !(value == 0 && double.IsNegative(value)))
        {
            builder.Append((long)value);
            return;
        }

        builder.Append(CultureInfo.InvariantCulture, $"{value:0.##}");
    }

    private static string FormatMinute(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
