using System.Globalization;
using System.Text;
using CityStream.Engine.Internal.Codec;

namespace CityStream.Engine.Tests.Decoding;

public sealed class DecimalNumbersTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("32.0123456")]
    [InlineData("-120.987654321")]
    [InlineData("0.1")]
    [InlineData("0.3")]
    [InlineData("9007199254740992")]
    [InlineData("900719925474099.2")]
    [InlineData("0.000000000000000001")]
    [InlineData("123.456000000")]
    public void A_plain_decimal_reads_as_the_general_parser_reads_it(string text)
    {
        Assert.True(DecimalNumbers.TryRead(Encoding.ASCII.GetBytes(text), out var value));

        Assert.Equal(BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)), BitConverter.DoubleToInt64Bits(value));
    }

    [Theory]
    [InlineData("1e5")]
    [InlineData("1.5E-3")]
    [InlineData("9007199254740993")]
    [InlineData("12345678901234567890")]
    [InlineData("0.00000000000000000000001")]
    [InlineData("1.7976931348623157")]
    [InlineData("-")]
    public void Exponents_and_numbers_beyond_an_exact_significand_are_left_to_the_general_parser(string text)
    {
        Assert.False(DecimalNumbers.TryRead(Encoding.ASCII.GetBytes(text), out _));
    }

    [Fact]
    public void Random_plain_decimals_read_bit_for_bit_as_the_general_parser_reads_them()
    {
        var random = new Random(20261206);
        var read = 0;
        for (var i = 0; i < 200_000; i++)
        {
            var integer = random.NextInt64(0, random.Next(2) == 0 ? 1_000 : long.MaxValue / 1000).ToString(CultureInfo.InvariantCulture);
            var fraction = new string([.. Enumerable.Range(0, random.Next(0, 20)).Select(_ => (char)('0' + random.Next(10)))]);
            var text = (random.Next(4) == 0 ? "-" : string.Empty) + integer + (fraction.Length > 0 ? "." + fraction : string.Empty);

            if (DecimalNumbers.TryRead(Encoding.ASCII.GetBytes(text), out var value))
            {
                read++;
                Assert.True(BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)) == BitConverter.DoubleToInt64Bits(value), text);
            }
        }

        Assert.True(read > 50_000, $"only {read} of the numbers took the fast path");
    }
}
