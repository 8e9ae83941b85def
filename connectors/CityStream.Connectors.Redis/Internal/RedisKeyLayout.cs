using StackExchange.Redis;

namespace CityStream.Connectors.Redis.Internal;

/// <summary>Names of the keys and channels of the sink; the layout is documented on <see cref="RedisAlertSink"/>.</summary>
internal sealed class RedisKeyLayout(string prefix)
{
    public RedisKey AlertHash(string alertId) => prefix + "alert:" + alertId;

    public RedisKey Stream(string pack) => prefix + "alerts:" + pack;

    public RedisKey OpenSet(string pack) => prefix + "open:" + pack;

    public RedisKey GeoIndex(string pack) => prefix + "geo:" + pack;

    public string LiveChannel(string pack) => prefix + "live:" + pack;
}
