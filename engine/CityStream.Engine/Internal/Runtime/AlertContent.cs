using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// What an alert's text and evidence are rendered from, captured when the rule fires: the evidence events (a copy of
/// the list, as the operator's window goes on changing), the template values of the moment (<paramref name="extras"/>)
/// and the event the templates read. Events are not changed once decoded, so rendering later gives the same text.
/// </summary>
internal sealed class AlertContent(CompiledRule rule, string key, CityEvent primary, CityEvent[] evidence, IReadOnlyDictionary<string, string>? extras)
{
    /// <summary>The evidence events, oldest first.</summary>
    public CityEvent[] EvidenceEvents => evidence;

    /// <summary>The fields whose values each evidence event shows (those of other sources are skipped).</summary>
    public IReadOnlyList<FieldDefinition> EvidenceFields => rule.EvidenceFields;

    public string RenderTitle() => rule.Title.Render(primary, key, extras);

    public string RenderMessage() => rule.Message.Render(primary, key, extras);

    /// <summary>Whether the message is the title's template (a rule without its own message): render once, show twice.</summary>
    public bool MessageIsTitle => ReferenceEquals(rule.Message, rule.Title);

    public IReadOnlyList<AlertEvidence> BuildEvidence()
    {
        var items = new AlertEvidence[evidence.Length];
        for (var i = 0; i < evidence.Length; i++)
        {
            var evt = evidence[i];
            items[i] = new AlertEvidence
            {
                EventId = evt.Id,
                Source = evt.Schema.Name,
                Topic = evt.Origin.Topic,
                Partition = evt.Origin.Partition,
                Offset = evt.Origin.Offset,
                EventTime = evt.Timestamp,
                Fields = new EvidenceFieldValues(evt, rule.EvidenceFields),
            };
        }

        return items;
    }
}
