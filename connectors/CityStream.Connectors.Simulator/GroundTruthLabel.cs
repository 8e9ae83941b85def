using System.Buffers;
using System.Text.Json;

namespace CityStream.Connectors.Simulator;

/// <summary>
/// What really happened in the synthetic city: one instance of a labelled scenario (see <see cref="Scenarios"/>),
/// the entity it concerns and when. Accuracy reports match alerts against these.
/// </summary>
/// <param name="Scenario">One of <see cref="Scenarios"/>.</param>
/// <param name="Source">The source whose events show it (e.g. <c>vehicle_gps</c>).</param>
/// <param name="Key">The entity: plate, dwelling id or grid code.</param>
/// <param name="FromMs">Start of the episode (event time, Unix ms).</param>
/// <param name="ToMs">End of the episode (event time, Unix ms).</param>
/// <param name="EventId">The id of the event that is the episode, when it is a single event (video alert, police event, late event).</param>
/// <param name="Detail">Human-readable description (Chinese place names, distances, counts).</param>
public sealed record GroundTruthLabel(string Scenario, string Source, string Key, long FromMs, long ToMs, string? EventId, string Detail)
{
    /// <summary>The label as one line of <c>labels.ndjson</c> (snake_case fields).</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("scenario", Scenario);
            writer.WriteString("source", Source);
            writer.WriteString("key", Key);
            writer.WriteNumber("from_ms", FromMs);
            writer.WriteNumber("to_ms", ToMs);
            if (EventId is null)
            {
                writer.WriteNull("event_id");
            }
            else
            {
                writer.WriteString("event_id", EventId);
            }

            writer.WriteString("detail", Detail);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads a line written by <see cref="ToJson"/>.</summary>
    public static GroundTruthLabel ParseJson(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        return new GroundTruthLabel(
            root.GetProperty("scenario").GetString()!,
            root.GetProperty("source").GetString()!,
            root.GetProperty("key").GetString()!,
            root.GetProperty("from_ms").GetInt64(),
            root.GetProperty("to_ms").GetInt64(),
            root.TryGetProperty("event_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null,
            root.GetProperty("detail").GetString()!);
    }
}

/// <summary>The scenario names of <see cref="GroundTruthLabel.Scenario"/>.</summary>
public static class Scenarios
{
    /// <summary>A hazmat vehicle stopped 15+ minutes within ~150 m of a flagged chemical workshop (it is also an abnormal stop).</summary>
    public const string HazmatStopNearFlagged = "hazmat_stop_near_flagged";

    /// <summary>A hazmat vehicle stopped 15+ minutes outside every approved parking zone.</summary>
    public const string HazmatAbnormalStop = "hazmat_abnormal_stop";

    /// <summary>A camera saw smoke with confidence ≥ 0.8 (key: grid; event id: the video alert).</summary>
    public const string VideoSmoke = "video_smoke";

    /// <summary>A dwelling that is a group rental: high water and electricity use and many parcels (key: dwelling id).</summary>
    public const string GroupRental = "group_rental";

    /// <summary>A major police event that no grid report follows within 24 h (key: grid; event id: the police event).</summary>
    public const string UnreportedMajorEvent = "unreported_major_event";

    /// <summary>A major police event that a grid report (with <c>related_event_id</c>) follows within 24 h: a negative for the absence rule.</summary>
    public const string ReportedMajorEvent = "reported_major_event";

    /// <summary>At least 5 gas-smell hotline tickets from at least 3 callers in one grid within 1 h (key: grid).</summary>
    public const string GasSmellBurst = "gas_smell_burst";

    /// <summary>An event whose time lies beyond its source's allowed lateness when it is sent (event id: the event).</summary>
    public const string LateEvent = "late_event";
}
