namespace CityStream.Engine;

/// <summary>The <c>content-type</c> header values of CityStream's Kafka records.</summary>
public static class ContentTypes
{
    /// <summary>Name of the Kafka header that says what a record carries.</summary>
    public const string HeaderName = "content-type";

    /// <summary>One JSON event (the default when the header is absent).</summary>
    public const string Json = "application/json";

    /// <summary>An Apache Arrow IPC stream: a batch of events of one source.</summary>
    public const string Arrow = "application/vnd.apache.arrow.stream";
}
