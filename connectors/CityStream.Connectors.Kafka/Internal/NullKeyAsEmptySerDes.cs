using Confluent.Kafka;
using Streamiz.Kafka.Net.SerDes;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// The key serde of the source topics: bytes as they are, but a record without a key gets an empty one. Streamiz silently drops
/// records with a null key before a processor that has a state store (<c>KStreamPAPI.Process</c>), and the rule processor has one;
/// external producers may send events without keys, and no input may be dropped without a dead letter.
/// </summary>
internal sealed class NullKeyAsEmptySerDes : AbstractSerDes<byte[]>
{
    public override byte[] Deserialize(byte[] data, SerializationContext context) => data ?? [];

    public override byte[] Serialize(byte[] data, SerializationContext context) => data;
}
