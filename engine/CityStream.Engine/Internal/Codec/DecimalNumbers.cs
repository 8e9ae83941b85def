namespace CityStream.Engine.Internal.Codec;

/// <summary>
/// Reads the plain decimals events carry (coordinates, readings: <c>-?digits[.digits]</c>, no exponent) as doubles without the
/// general parser, exactly as it would: a significand below 2^53 and a power of ten up to 10^22 are both exact doubles, and one
/// IEEE division of the two is correctly rounded (Clinger's fast path). Anything else is left to the general parser.
/// </summary>
/// <remarks>Written by hand because <c>Utf8JsonReader.GetDouble</c> was a tenth of all-packs JSON decoding (perf), most of it
/// setting up the general algorithm for numbers like <c>32.0123</c>.</remarks>
internal static class DecimalNumbers
{
    private const ulong MaxExactSignificand = 1UL << 53;

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>The value of a JSON number token in the plain form, or false (nothing read) for any other.</summary>
    public static bool TryRead(ReadOnlySpan<byte> number, out double value)
    {
        value = 0;
        var at = 0;
        var negative = number.Length > 0 && number[0] == (byte)'-';
        if (negative)
        {
            at++;
        }

        ulong significand = 0;
        var digits = 0;
        var fractionDigits = -1;
        for (; at < number.Length; at++)
        {
            var c = number[at];
            if (c == (byte)'.' && fractionDigits < 0)
            {
                fractionDigits = 0;
                continue;
            }

            var digit = (uint)(c - '0');
            if (digit > 9 || ++digits > 19)
            {
                return false; // an exponent, or more digits than a ulong holds
            }

            significand = (significand * 10) + digit;
            if (fractionDigits >= 0)
            {
                fractionDigits++;
            }
        }

        if (digits == 0 || fractionDigits == 0 || significand > MaxExactSignificand || fractionDigits > 22)
        {
            return false;
        }

        value = fractionDigits > 0 ? significand / PowersOfTen[fractionDigits] : significand;
        if (negative)
        {
            value = -value;
        }

        return true;
    }
}
