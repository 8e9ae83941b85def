namespace CityStream.Engine.Internal.Rules;

/// <summary>
/// The schema a threshold rule's <c>having</c> condition compiles against: its aggregates as number
/// fields (plus <c>key</c>), so the one condition compiler type-checks it like any other condition.
/// </summary>
internal static class AggregateSchemas
{
    public static SourceSchema For(string ruleId, IReadOnlyList<string> aggregateNames)
    {
        var fields = new List<FieldDefinition>
        {
            new("id", 0, FieldType.String, "Id of the window.") { Required = true },
            new("ts", 1, FieldType.Timestamp, "Event time of the last event in the window.") { Required = true },
            new("key", 2, FieldType.String, "The rule's key.") { Required = true },
            new("window_start", 3, FieldType.Timestamp, "Start of the window."),
            new("window_end", 4, FieldType.Timestamp, "End of the window."),
        };
        foreach (var name in aggregateNames)
        {
            fields.Add(new FieldDefinition(name, fields.Count, FieldType.Number, $"Aggregate '{name}' over the window."));
        }

        return new SourceSchema($"aggregates of {ruleId}", string.Empty, "key", TimeSpan.Zero, "aggregates", fields);
    }
}
