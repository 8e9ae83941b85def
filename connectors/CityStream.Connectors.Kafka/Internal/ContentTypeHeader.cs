using System.Text;
using CityStream.Engine;
using Confluent.Kafka;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>Reads a record's <c>content-type</c> header without allocating for the two values CityStream uses.</summary>
internal static class ContentTypeHeader
{
    private static readonly byte[] Json = Encoding.UTF8.GetBytes(ContentTypes.Json);
    private static readonly byte[] Arrow = Encoding.UTF8.GetBytes(ContentTypes.Arrow);

    /// <summary>The header's value, or null when the record has none (JSON).</summary>
    public static string? Read(Headers? headers)
    {
        if (headers is null || !headers.TryGetLastBytes(ContentTypes.HeaderName, out var value) || value is null)
        {
            return null;
        }

        return Read(value.AsSpan());
    }

    /// <summary>The header's value, from its bytes.</summary>
    public static string Read(ReadOnlySpan<byte> value)
    {
        if (value.SequenceEqual(Arrow))
        {
            return ContentTypes.Arrow;
        }

        return value.SequenceEqual(Json) ? ContentTypes.Json : Encoding.UTF8.GetString(value);
    }
}
