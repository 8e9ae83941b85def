using System.Globalization;

namespace CityStream.Engine.Internal.Conditions;

/// <summary>The invariant-culture text of computed values, matching <see cref="CityEvent.Format"/> for field values.</summary>
internal static class ValueText
{
    public static string FromInteger(double value) => ((long)value).ToString(CultureInfo.InvariantCulture);

    public static string FromNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
