using CityStream.Engine;
using StackExchange.Redis;

namespace CityStream.Connectors.Redis.Internal;

/// <summary>Builds the KEYS and ARGV of <c>WriteAlert.lua</c> for one alert.</summary>
internal static class WriteAlertArguments
{
    // GEOADD refuses latitudes beyond the Web Mercator limits (EPSG:900913).
    private const double MaxGeoLatitude = 85.05112878;

    public static RedisKey[] Keys(RedisKeyLayout layout, Alert alert) =>
    [
        layout.AlertHash(alert.Id),
        layout.Stream(alert.Pack),
        layout.OpenSet(alert.Pack),
        layout.GeoIndex(alert.Pack),
    ];

    public static RedisValue[] Values(RedisKeyLayout layout, Alert alert, long ttlMilliseconds, int streamMaxLength)
    {
        var json = AlertJson.SerializeToUtf8Bytes(alert);
        var hasLocation = alert.Location is { } location && IsIndexable(location);
        var point = alert.Location.GetValueOrDefault();
        return
        [
            alert.Id,
            json,
            alert.Rule,
            alert.Pack,
            alert.Severity,
            alert.Key,
            alert.FirstEventTime,
            alert.LastEventTime,
            alert.EmitTime,
            alert.Grid ?? string.Empty,
            alert.Route ?? string.Empty,
            ttlMilliseconds,
            streamMaxLength,
            layout.LiveChannel(alert.Pack),
            hasLocation ? "1" : "0",
            hasLocation ? point.Lon : 0d,
            hasLocation ? point.Lat : 0d,
        ];
    }

    // An alert with a point Redis cannot index is still written everywhere else, rather than failing the whole batch forever.
    internal static bool IsIndexable(GeoPoint point) =>
        double.IsFinite(point.Lat) && double.IsFinite(point.Lon)
        && Math.Abs(point.Lat) <= MaxGeoLatitude && Math.Abs(point.Lon) <= 180d;
}
