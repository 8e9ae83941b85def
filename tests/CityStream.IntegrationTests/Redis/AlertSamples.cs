using CityStream.Engine;

namespace CityStream.IntegrationTests.Redis;

/// <summary>Sample alerts for sink tests, each with its own id.</summary>
internal static class AlertSamples
{
    /// <summary>Near Nantong city centre.</summary>
    public static readonly GeoPoint NantongCentre = new(Lat: 32.0146, Lon: 120.8644);

    private const long BaseTime = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    /// <summary>A pack name no other test uses.</summary>
    public static string UniquePack() => "test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A hazmat dwell alert of the given pack; <paramref name="sequence"/> varies its id, key and times.</summary>
    public static Alert Dwell(string pack, int sequence = 0, GeoPoint? location = null, string? id = null) => new()
    {
        Id = id ?? Guid.NewGuid().ToString("N"),
        Rule = pack + ".abnormal-dwell",
        Pack = pack,
        Severity = "high",
        Title = "Hazmat truck stopped outside approved zones",
        Message = $"Truck SU-F{sequence:D5} stopped 17 min at a non-approved site",
        Key = $"SU-F{sequence:D5}",
        FirstEventTime = BaseTime + (sequence * 1_000L),
        LastEventTime = BaseTime + (sequence * 1_000L) + 1_020_000,
        EmitTime = BaseTime + (sequence * 1_000L) + 1_021_500,
        Location = location ?? NantongCentre,
        Grid = "G-0417",
        District = "Chongchuan",
        Route = "emergency-management",
        Evidence =
        [
            new AlertEvidence
            {
                EventId = "gps-" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Source = "vehicle_gps",
                Topic = "city.vehicle-gps",
                Partition = 3,
                Offset = 1_000 + sequence,
                EventTime = BaseTime + (sequence * 1_000L),
                Fields = new Dictionary<string, object?> { ["plate"] = $"SU-F{sequence:D5}", ["speed_kmh"] = 0.0 },
            },
        ],
        Labels = new Dictionary<string, string> { ["category"] = "hazmat" },
    };

    /// <summary>A hotline alert with no location.</summary>
    public static Alert WithoutLocation(string pack) => Dwell(pack) with { Location = null, Grid = null, Route = null };
}
