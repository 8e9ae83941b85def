using System.Runtime.InteropServices;
using CityStream.Connectors.Kafka.Internal;

namespace CityStream.Engine.Tests.Connectors;

public sealed class NativeMessageLayoutTests
{
    // The client's own declaration of rd_kafka_message_t: the batch reader reads librdkafka's messages through the same layout.
    private static readonly Type ClientMessage =
        typeof(Confluent.Kafka.IConsumer<,>).Assembly.GetType("Confluent.Kafka.Impl.rd_kafka_message", throwOnError: true)!;

    [Theory]
    [InlineData(nameof(NativeMessage.Err), "err")]
    [InlineData(nameof(NativeMessage.Topic), "rkt")]
    [InlineData(nameof(NativeMessage.Partition), "partition")]
    [InlineData(nameof(NativeMessage.Payload), "val")]
    [InlineData(nameof(NativeMessage.Length), "len")]
    [InlineData(nameof(NativeMessage.Key), "key")]
    [InlineData(nameof(NativeMessage.KeyLength), "key_len")]
    [InlineData(nameof(NativeMessage.Offset), "offset")]
    public void Native_message_field_sits_where_the_kafka_client_reads_it(string field, string clientField)
    {
        Assert.Equal(Marshal.OffsetOf(ClientMessage, clientField), Marshal.OffsetOf<NativeMessage>(field));
        Assert.Equal(FieldSize(ClientMessage, clientField), FieldSize(typeof(NativeMessage), field));
    }

    [Fact]
    public void Native_message_is_as_large_as_the_kafka_clients_declaration()
    {
        Assert.Equal(Marshal.SizeOf(ClientMessage), Marshal.SizeOf<NativeMessage>());
    }

    private static int FieldSize(Type owner, string name)
    {
        var type = owner.GetField(name, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)!.FieldType;
        return Marshal.SizeOf(type.IsEnum ? Enum.GetUnderlyingType(type) : type);
    }
}
