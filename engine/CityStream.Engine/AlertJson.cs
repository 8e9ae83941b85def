using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityStream.Engine;

/// <summary>Writes and reads alerts as the JSON of <c>schemas/alert.schema.json</c> (snake_case, source-generated).</summary>
public static class AlertJson
{
    /// <summary>The alert as UTF-8 JSON.</summary>
    public static byte[] SerializeToUtf8Bytes(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return Internal.AlertJsonWriter.ToUtf8Bytes(alert);
    }

    /// <summary>The alert as a JSON string.</summary>
    public static string Serialize(Alert alert) => System.Text.Encoding.UTF8.GetString(SerializeToUtf8Bytes(alert));

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
