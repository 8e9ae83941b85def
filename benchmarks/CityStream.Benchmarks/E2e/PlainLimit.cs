using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityStream.Benchmarks.E2e;

/// <summary>The plain limit: System.Text.Json (source-generated) parse of each peers' event plus a per-key count in a dictionary, one thread.</summary>
internal sealed class PlainLimit
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Keys => _counts.Count;

    public void OnRecord(ReadOnlySpan<byte> json)
    {
        var evt = JsonSerializer.Deserialize(json, PlainLimitJson.Default.PeerEventDto)!;
        CollectionsMarshal.GetValueRefOrAddDefault(_counts, evt.Key, out _)++;
    }
}

/// <summary>The peers' event as a plain DTO.</summary>
internal sealed class PeerEventDto
{
    [JsonPropertyName("id")]
    public string Id { get; set; } = string.Empty;

    [JsonPropertyName("source")]
    public string Source { get; set; } = string.Empty;

    [JsonPropertyName("key")]
    public string Key { get; set; } = string.Empty;

    [JsonPropertyName("district")]
    public string District { get; set; } = string.Empty;

    [JsonPropertyName("category")]
    public string Category { get; set; } = string.Empty;

    [JsonPropertyName("ts")]
    public long Ts { get; set; }

    [JsonPropertyName("text")]
    public string Text { get; set; } = string.Empty;
}

[JsonSerializable(typeof(PeerEventDto))]
internal sealed partial class PlainLimitJson : JsonSerializerContext;
