using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>Builds the alert of a rule from its evidence.</summary>
internal static class AlertFactory
{
    public static Alert Build(CompiledRule rule, string alertId, string key, IReadOnlyList<CityEvent> evidence, long emitTime, IReadOnlyDictionary<string, string>? extras = null)
    {
        var primary = Primary(rule, evidence, evidence[^1]);
        var located = (rule.CanLocate ? Located(evidence) : null) ?? evidence[^1];
        var events = Kept(evidence, rule.MaxEvidence);
        var (first, last) = events.Length == 0 ? (evidence[^1].Timestamp, evidence[^1].Timestamp) : (long.MaxValue, long.MinValue);
        foreach (var evt in events)
        {
            var ts = evt.Timestamp;
            first = Math.Min(first, ts);
            last = Math.Max(last, ts);
        }

        var content = new AlertContent(rule, key, primary, events, extras);
        return Complete(rule, alertId, key, primary, located, content, emitTime, (first, last));
    }

    /// <summary>The evidence an alert shows: all of it up to <paramref name="max"/> events, else the first ones and the newest (as a window keeps them).</summary>
    private static CityEvent[] Kept(IReadOnlyList<CityEvent> evidence, int max)
    {
        var events = new CityEvent[Math.Min(evidence.Count, max)];
        if (events.Length == 0)
        {
            return events;
        }

        for (var i = 0; i < events.Length - 1; i++)
        {
            events[i] = evidence[i];
        }

        events[^1] = evidence[^1];
        return events;
    }

    private static Alert Complete(CompiledRule rule, string alertId, string key, CityEvent primary, CityEvent located, AlertContent content, long emitTime, (long First, long Last) times)
    {
        var schema = located.Schema;
        var lat = schema.LatField;
        var lon = schema.LonField;
        var grid = schema.GridField;
        var district = schema.DistrictField;
        return new Alert(alertId, rule.Id, rule.Pack, rule.SeverityFor(primary), key, rule.Labels, content)
        {
            FirstEventTime = times.First,
            LastEventTime = times.Last,
            EmitTime = emitTime,
            Location = lat is not null && lon is not null && located.Has(lat) && located.Has(lon)
                ? new GeoPoint(located.GetNumber(lat.Index), located.GetNumber(lon.Index))
                : null,
            Grid = grid is not null ? located.GetString(grid.Index) : null,
            District = district is not null ? located.GetString(district.Index) : null,
            Route = rule.Route,
        };
    }

    /// <summary>
    /// Builds the alert of a window from its evidence image, <paramref name="newest"/> being its last event: the events are made
    /// again from the image only when the alert's evidence is read, or here when the templates or the location need an older one.
    /// </summary>
    public static Alert BuildForWindow(CompiledRule rule, string alertId, string key, CityEvent newest, EvidenceImage evidence, long emitTime, IReadOnlyDictionary<string, string>? extras, (long First, long Last) times)
    {
        CityEvent[]? events = null;
        var primary = ReferenceEquals(newest.Schema, rule.Source) ? newest : Primary(rule, events ??= evidence.Events(), newest);
        var located = newest;
        if (rule.CanLocate && !(newest.Schema.LatField is { } newestLat && newest.Has(newestLat)))
        {
            located = Located(events ??= evidence.Events()) ?? newest;
        }

        var content = events is null ? new AlertContent(rule, key, primary, evidence, extras) : new AlertContent(rule, key, primary, events, extras);
        return Complete(rule, alertId, key, primary, located, content, emitTime, times);
    }

    /// <summary>The event the templates read: the last evidence of the rule's primary source, else <paramref name="fallback"/>.</summary>
    private static CityEvent Primary(CompiledRule rule, IReadOnlyList<CityEvent> evidence, CityEvent fallback)
    {
        for (var i = evidence.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(evidence[i].Schema, rule.Source))
            {
                return evidence[i];
            }
        }

        return fallback;
    }

    /// <summary>The last evidence that has a location.</summary>
    private static CityEvent? Located(IReadOnlyList<CityEvent> evidence)
    {
        for (var i = evidence.Count - 1; i >= 0; i--)
        {
            if (evidence[i].Schema.LatField is { } lat && evidence[i].Has(lat))
            {
                return evidence[i];
            }
        }

        return null;
    }
}
