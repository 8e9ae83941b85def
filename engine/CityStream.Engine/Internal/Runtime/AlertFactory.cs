using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>Builds the alert of a rule from its evidence.</summary>
internal static class AlertFactory
{
    public static Alert Build(CompiledRule rule, string alertId, string key, IReadOnlyList<CityEvent> evidence, long emitTime)
    {
        var last = evidence[^1];
        var first = evidence[0];
        var lat = last.Schema.Field("lat");
        var lon = last.Schema.Field("lon");
        var grid = last.Schema.Field("grid");
        var district = last.Schema.Field("district");
        var items = new AlertEvidence[evidence.Count];
        for (var i = 0; i < evidence.Count; i++)
        {
            items[i] = Evidence(rule, evidence[i]);
        }

        return new Alert
        {
            Id = alertId,
            Rule = rule.Id,
            Pack = rule.Pack,
            Severity = rule.SeverityFor(last),
            Title = rule.Title.Render(last, key),
            Message = rule.Message.Render(last, key),
            Key = key,
            FirstEventTime = first.Timestamp,
            LastEventTime = last.Timestamp,
            EmitTime = emitTime,
            Location = lat is not null && lon is not null && last.Has(lat) && last.Has(lon)
                ? new GeoPoint(last.GetNumber(lat.Index), last.GetNumber(lon.Index))
                : null,
            Grid = grid is not null ? last.GetString(grid.Index) : null,
            District = district is not null ? last.GetString(district.Index) : null,
            Evidence = items,
            Labels = rule.Labels,
            Route = rule.Route,
        };
    }

    private static AlertEvidence Evidence(CompiledRule rule, CityEvent evt)
    {
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in rule.EvidenceFields)
        {
            if (field.Index < evt.Schema.Fields.Count && ReferenceEquals(evt.Schema.Fields[field.Index], field))
            {
                fields[field.Name] = evt.GetValue(field);
            }
        }

        return new AlertEvidence
        {
            EventId = evt.Id,
            Source = evt.Schema.Name,
            Topic = evt.Origin.Topic,
            Partition = evt.Origin.Partition,
            Offset = evt.Origin.Offset,
            EventTime = evt.Timestamp,
            Fields = fields,
        };
    }
}
