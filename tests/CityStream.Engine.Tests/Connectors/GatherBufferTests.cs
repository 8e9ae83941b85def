using CityStream.Connectors.Kafka.Internal;

namespace CityStream.Engine.Tests.Connectors;

public sealed class GatherBufferTests
{
    [Fact]
    public void Values_gathered_before_the_buffer_grows_are_still_found_after()
    {
        var buffer = new GatherBuffer(usualMaxBytes: 1024, initialBytes: 8);
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
        var buffer = new GatherBuffer(usualMaxBytes: 1024, initialBytes: 16);
        var before = buffer.Value(buffer.Append("first poll"u8), 10);
        buffer.Reset();

        var start = buffer.Append("next"u8);

        Assert.Equal(0, start);
        Assert.Equal(16, buffer.Capacity);
        Assert.Equal("nextt poll"u8.ToArray(), before.ToArray());
    }

    [Fact]
    public void A_doubling_past_half_its_usual_bound_takes_the_bound_at_once()
    {
        var buffer = new GatherBuffer(usualMaxBytes: 40, initialBytes: 8);
        buffer.Append(new byte[6]);
        buffer.Append(new byte[6]);
        Assert.Equal(16, buffer.Capacity);

        buffer.Append(new byte[6]);

        Assert.Equal(40, buffer.Capacity);
    }

    [Fact]
    public void Past_its_usual_bound_the_buffer_grows_only_to_what_it_needs()
    {
        var buffer = new GatherBuffer(usualMaxBytes: 20, initialBytes: 8);
        var first = buffer.Append("0123456789012345"u8);
        buffer.Append("ab"u8);
        Assert.Equal(20, buffer.Capacity);

        var last = buffer.Append("vwxyz"u8);

        Assert.Equal(23, buffer.Capacity);
        Assert.Equal(18, last);
        Assert.Equal("0123456789012345"u8.ToArray(), buffer.Value(first, 16).ToArray());
        Assert.Equal("vwxyz"u8.ToArray(), buffer.Value(last, 5).ToArray());
    }
}
