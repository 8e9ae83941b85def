using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityStream.Engine;

/// <summary>Writes and reads alerts as the JSON of <c>schemas/alert.schema.json</c> (snake_case, source-generated).</summary>
public static class AlertJson
{
    /// <summary>The alert as UTF-8 JSON.</summary>
    public static byte[] SerializeToUtf8Bytes(Alert alert) => JsonSerializer.SerializeToUtf8Bytes(alert, AlertJsonContext.Default.Alert);

    /// <summary>The alert as a JSON string.</summary>
    public static string Serialize(Alert alert) => JsonSerializer.Serialize(alert, AlertJsonContext.Default.Alert);

    /// <summary>Reads an alert from JSON; field values in evidence come back as <see cref="JsonElement"/>.</summary>
    public static Alert? Deserialize(ReadOnlySpan<byte> utf8Json) => JsonSerializer.Deserialize(utf8Json, AlertJsonContext.Default.Alert);

    /// <summary>Reads an alert from a JSON string.</summary>
    public static Alert? Deserialize(string json) => JsonSerializer.Deserialize(json, AlertJsonContext.Default.Alert);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Alert))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;
