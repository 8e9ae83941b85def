using CityStream.Connectors.Kafka.Internal;

namespace CityStream.Engine.Tests.Connectors;

public sealed class GatherBufferTests
{
    [Fact]
    public void Values_gathered_before_the_buffer_grows_are_still_found_after()
    {
        var buffer = new GatherBuffer(initialBytes: 8);
        var first = buffer.Append("abcdef"u8);
        var second = buffer.Append("0123456789"u8);
        var third = buffer.Append("xyz"u8);

        Assert.True(buffer.Capacity >= 19);
        Assert.Equal("abcdef"u8.ToArray(), buffer.Value(first, 6).ToArray());
        Assert.Equal("0123456789"u8.ToArray(), buffer.Value(second, 10).ToArray());
        Assert.Equal("xyz"u8.ToArray(), buffer.Value(third, 3).ToArray());
    }

    [Fact]
    public void After_a_reset_the_next_poll_reuses_the_same_bytes()
    {
        var buffer = new GatherBuffer(initialBytes: 16);
        var before = buffer.Value(buffer.Append("first poll"u8), 10);
        buffer.Reset();

        var start = buffer.Append("next"u8);

        Assert.Equal(0, start);
        Assert.Equal(16, buffer.Capacity);
        Assert.Equal("nextt poll"u8.ToArray(), before.ToArray());
    }
}
