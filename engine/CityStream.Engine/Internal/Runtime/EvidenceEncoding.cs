using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// What an operator's <see cref="EvidenceLog"/>s refer to by a small number instead of holding: the rule's sources, the
/// fields of each that a window's evidence keeps, and the topics events came from.
/// </summary>
internal sealed class EvidenceEncoding
{
    private readonly SourceSchema[] _sources;
    private readonly ulong[] _keep;
    // Copied on append and published whole: sinks materialize an alert's evidence on their own threads while the operator's
    // thread may add a topic.
    private string[] _topics = [];

    public EvidenceEncoding(CompiledRule rule)
    {
        var sources = new List<SourceSchema>();
        foreach (var step in rule.Steps)
        {
            if (!sources.Contains(step.Source))
            {
                sources.Add(step.Source);
            }
        }

        MaxEvents = rule.MaxEvidence;
        _sources = [.. sources];
        _keep = new ulong[_sources.Length];
        for (var i = 0; i < _sources.Length; i++)
        {
            _keep[i] = WindowEvidenceMask(rule, _sources[i]);
        }
    }

    /// <summary>Events a window keeps as evidence at most (the rule's <c>alert.evidence</c>).</summary>
    public int MaxEvents { get; }

    /// <summary>
    /// What a window's alert reads of an evidence event other than the one that fired it (which it has whole): the id, the time
    /// and the fields the alert shows (<see cref="CompiledRule.EvidenceFields"/>), and the location only when the rule looks for one
    /// among older events. Templates, severity and aggregates read the newest event, or were counted when it came.
    /// </summary>
    private static ulong WindowEvidenceMask(CompiledRule rule, SourceSchema source)
    {
        var mask = (1UL << source.IdField.Index) | (1UL << source.TimeField.Index);
        if (rule.CanLocate)
        {
            foreach (var field in (FieldDefinition?[])[source.LatField, source.LonField, source.GridField, source.DistrictField])
            {
                if (field is not null)
                {
                    mask |= 1UL << field.Index;
                }
            }
        }

        foreach (var field in rule.EvidenceFields)
        {
            if (ReferenceEquals(field.Owner, source))
            {
                mask |= 1UL << field.Index;
            }
        }

        return mask;
    }

    /// <summary>The index of a source among the rule's, or -1.</summary>
    public int SourceIndex(SourceSchema schema)
    {
        for (var i = 0; i < _sources.Length; i++)
        {
            if (ReferenceEquals(_sources[i], schema))
            {
                return i;
            }
        }

        return -1;
    }

    public SourceSchema Source(int index) => _sources[index];

    /// <summary>The fields of the source at <paramref name="index"/> a kept event keeps.</summary>
    public ulong Keep(int index) => _keep[index];

    public int TopicIndex(string topic)
    {
        var topics = Volatile.Read(ref _topics);
        for (var i = 0; i < topics.Length; i++)
        {
            if (ReferenceEquals(topics[i], topic) || string.Equals(topics[i], topic, StringComparison.Ordinal))
            {
                return i;
            }
        }

        Volatile.Write(ref _topics, [.. topics, topic]);
        return topics.Length;
    }

    public string Topic(int index) => Volatile.Read(ref _topics)[index];
}
