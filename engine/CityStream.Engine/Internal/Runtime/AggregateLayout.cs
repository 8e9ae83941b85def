using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// Where each aggregate of a threshold rule keeps its running values in a window: four slots (sum, min, max, count) for an
/// aggregate of a field, none for <c>count()</c>, which is the window's event count. Shared by every window of the rule.
/// </summary>
internal sealed class AggregateLayout
{
    public AggregateLayout(IReadOnlyList<AggregateSpec> specs)
    {
        Specs = specs;
        Offsets = new int[specs.Count];
        var slots = 0;
        for (var i = 0; i < specs.Count; i++)
        {
            Offsets[i] = specs[i].Field is null ? -1 : slots;
            slots += specs[i].Field is null ? 0 : 4;
            HasDistinct |= specs[i].Function == "distinct";
        }

        Slots = slots;
    }

    public IReadOnlyList<AggregateSpec> Specs { get; }

    /// <summary>Per aggregate, its first slot, or -1 for <c>count()</c>.</summary>
    public int[] Offsets { get; }

    /// <summary>Slots of a window's values.</summary>
    public int Slots { get; }

    public bool HasDistinct { get; }
}
