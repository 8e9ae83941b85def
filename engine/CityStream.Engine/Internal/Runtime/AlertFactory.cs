using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>Builds the alert of a rule from its evidence.</summary>
internal static class AlertFactory
{
    public static Alert Build(CompiledRule rule, string alertId, string key, IReadOnlyList<CityEvent> evidence, long emitTime, IReadOnlyDictionary<string, string>? extras = null)
    {
        var primary = Primary(rule, evidence);
        var located = Located(evidence) ?? evidence[^1];
        var lat = located.Schema.Field("lat");
        var lon = located.Schema.Field("lon");
        var grid = located.Schema.Field("grid");
        var district = located.Schema.Field("district");
        var events = new CityEvent[evidence.Count];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = evidence[i];
        }

        var content = new AlertContent(rule, key, primary, events, extras);
        return new Alert(alertId, rule.Id, rule.Pack, rule.SeverityFor(primary), key, rule.Labels, content)
        {
            FirstEventTime = MinTime(events),
            LastEventTime = MaxTime(events),
            EmitTime = emitTime,
            Location = lat is not null && lon is not null && located.Has(lat) && located.Has(lon)
                ? new GeoPoint(located.GetNumber(lat.Index), located.GetNumber(lon.Index))
                : null,
            Grid = grid is not null ? located.GetString(grid.Index) : null,
            District = district is not null ? located.GetString(district.Index) : null,
            Route = rule.Route,
        };
    }

    /// <summary>The event the templates read: the last evidence of the rule's primary source.</summary>
    private static CityEvent Primary(CompiledRule rule, IReadOnlyList<CityEvent> evidence)
    {
        for (var i = evidence.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(evidence[i].Schema, rule.Source))
            {
                return evidence[i];
            }
        }

        return evidence[^1];
    }

    /// <summary>The last evidence that has a location.</summary>
    private static CityEvent? Located(IReadOnlyList<CityEvent> evidence)
    {
        for (var i = evidence.Count - 1; i >= 0; i--)
        {
            if (evidence[i].Schema.Field("lat") is { } lat && evidence[i].Has(lat))
            {
                return evidence[i];
            }
        }

        return null;
    }

    private static long MinTime(CityEvent[] evidence)
    {
        var min = long.MaxValue;
        foreach (var e in evidence)
        {
            min = Math.Min(min, e.Timestamp);
        }

        return min;
    }

    private static long MaxTime(CityEvent[] evidence)
    {
        var max = long.MinValue;
        foreach (var e in evidence)
        {
            max = Math.Max(max, e.Timestamp);
        }

        return max;
    }
}
