using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// What an alert's text and evidence are rendered from, captured when the rule fires: the evidence events (a copy of
/// the list, or an image of a window's evidence, as the operator's window goes on changing), the template values of the moment
/// and the event the templates read (none for a window whose templates read no field). Events are not changed once decoded, so rendering later gives the same text.
/// </summary>
internal sealed class AlertContent
{
    private readonly CompiledRule _rule;
    private readonly string _key;
    private readonly CityEvent? _primary;
    private readonly IReadOnlyDictionary<string, string>? _extras;
    private readonly EvidenceImage? _image;
    private CityEvent[]? _evidence;

    public AlertContent(CompiledRule rule, string key, CityEvent primary, CityEvent[] evidence, IReadOnlyDictionary<string, string>? extras)
    {
        _rule = rule;
        _key = key;
        _extras = extras;
        _evidence = evidence;
        _primary = HoldPrimary(rule, primary);
        foreach (var evt in evidence)
        {
            evt.Pin();
        }
    }

    /// <summary>Content whose evidence events are made from a window's image when first read.</summary>
    public AlertContent(CompiledRule rule, string key, CityEvent primary, EvidenceImage evidence, IReadOnlyDictionary<string, string>? extras)
    {
        _rule = rule;
        _key = key;
        _extras = extras;
        _image = evidence;
        _primary = HoldPrimary(rule, primary);
    }

    /// <summary>The window's evidence as bytes, when the alert has it so: its JSON can be written from them without making the events.</summary>
    public EvidenceImage? EvidenceImage => _image;

    /// <summary>The evidence events, oldest first (made once from the image; two threads reading at once make equal copies).</summary>
    public CityEvent[] EvidenceEvents => _evidence ??= _image!.Events();

    /// <summary>The fields whose values each evidence event shows (those of other sources are skipped).</summary>
    public IReadOnlyList<FieldDefinition> EvidenceFields => _rule.EvidenceFields;

    public string RenderTitle() => _rule.Title.Render(_primary, _key, _extras);

    public string RenderMessage() => _rule.Message.Render(_primary, _key, _extras);

    public void RenderTitleTo(System.Text.StringBuilder builder) => _rule.Title.RenderTo(builder, _primary, _key, _extras);

    public void RenderMessageTo(System.Text.StringBuilder builder) => _rule.Message.RenderTo(builder, _primary, _key, _extras);

    /// <summary>Whether the message is the title's template (a rule without its own message): render once, show twice.</summary>
    public bool MessageIsTitle => ReferenceEquals(_rule.Message, _rule.Title);

    /// <summary>
    /// The event the templates read, pinned; none when they read no field: the decoder's event is then not held by the alert, and it
    /// is filled again with the next record (the Kafka host allocated an event, its slots and its strings per window alert).
    /// </summary>
    private static CityEvent? HoldPrimary(CompiledRule rule, CityEvent primary)
    {
        if (rule.Title.Fields.Count == 0 && rule.Message.Fields.Count == 0)
        {
            return null;
        }

        primary.Pin();
        return primary;
    }

    public IReadOnlyList<AlertEvidence> BuildEvidence()
    {
        var evidence = EvidenceEvents;
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
                Fields = new EvidenceFieldValues(evt, _rule.EvidenceFields),
            };
        }

        return items;
    }
}
