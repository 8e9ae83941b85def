using CityStream.Connectors.Kafka.Internal;

namespace CityStream.Engine.Tests.Connectors;

public sealed class DeadLetterPayloadsTests
{
    [Fact]
    public void Dead_letters_keep_their_bytes_after_the_reused_buffer_is_overwritten()
    {
        var buffer = "xx{bad json}yy"u8.ToArray();
        var record = buffer.AsMemory(2, 10);
        var origin = new EventOrigin("t", 0, 7);
        List<DeadLetter> letters =
        [
            new("s", DeadLetterReasons.SchemaViolation, "row 0", origin, record),
            new("s", DeadLetterReasons.SchemaViolation, "row 1", origin with { Row = 1 }, record),
            new("s", DeadLetterReasons.MalformedJson, "part", origin, buffer.AsMemory(0, 2)),
        ];

        DeadLetterPayloads.CopyOut(letters, record);
        buffer.AsSpan().Fill((byte)'!');

        Assert.Equal("{bad json}"u8.ToArray(), letters[0].Payload.ToArray());
        Assert.Equal("xx"u8.ToArray(), letters[2].Payload.ToArray());
        Assert.True(letters[0].Payload.Equals(letters[1].Payload), "rows of one record share one copy");
        Assert.Equal(["row 0", "row 1", "part"], letters.Select(l => l.Detail));
    }
}
