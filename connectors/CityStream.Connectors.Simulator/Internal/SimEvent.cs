using CityStream.Engine;

namespace CityStream.Connectors.Simulator.Internal;

/// <summary>
/// An event as a source produces it: <paramref name="OrderMs"/> is when the source hands it over (non-decreasing per
/// generator); the event time in the payload may be earlier (a grid report filed hours later). Protected events
/// carry a labelled scenario and are never made malformed or late.
/// </summary>
internal readonly record struct SimEvent(CityEvent Event, long OrderMs, bool Protected = false);

/// <summary>An event with the instant it is sent, after transmission delay and disorder.</summary>
internal readonly record struct TimedEvent(CityEvent Event, long EmitMs, bool Protected);

/// <summary>A record with what the file writers need besides its bytes: the valid events it carries, and for a broken Arrow batch a JSON line that stands for its broken part.</summary>
internal sealed record Emission(SimulatedRecord Record, IReadOnlyList<CityEvent> ValidEvents, byte[]? BrokenLine);

/// <summary>A scenario instance or other stream that starts at a known time (all its events come at or after it).</summary>
internal readonly record struct ScheduledStream(long StartMs, Func<IEnumerable<SimEvent>> Open);

/// <summary>Where generators put ground-truth labels, in the order they are created.</summary>
internal sealed class LabelSink
{
    private readonly List<GroundTruthLabel> _labels = [];

    public IReadOnlyList<GroundTruthLabel> Labels => _labels;

    public void Add(GroundTruthLabel label) => _labels.Add(label);

    public void Clear() => _labels.Clear();
}
