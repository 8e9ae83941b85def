using System.Globalization;
using System.Text;
using CityStream.Engine.Internal.Runtime;

namespace CityStream.Engine.Tests.Runtime;

public sealed class WindowExtrasTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("1")]
    [InlineData("-1")]
    [InlineData("5")]
    [InlineData("2.5")]
    [InlineData("1.005")]
    [InlineData("-3.999")]
    [InlineData("1E-10")]
    [InlineData("123456789012345")]
    [InlineData("999999999999999")]
    [InlineData("-999999999999999")]
    [InlineData("1E15")]
    [InlineData("1234567890123456")]
    [InlineData("9007199254740993")]
    [InlineData("1.7976931348623157E+308")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void An_aggregate_is_written_as_the_0_hash_hash_format_writes_it(string text)
    {
        var value = double.Parse(text, CultureInfo.InvariantCulture);
        var builder = new StringBuilder("x");

        WindowExtras.AppendNumber(builder, value);

        Assert.Equal("x" + value.ToString("0.##", CultureInfo.InvariantCulture), builder.ToString());
    }
}
