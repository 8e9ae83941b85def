using System.Buffers;
using CityStream.Engine.Internal.Codec;

namespace CityStream.Engine;

/// <summary>
/// Turns Kafka records (one JSON event, or an Arrow IPC batch of events of one source, as the
/// <c>content-type</c> header says) into schema-bound events, and events back into records.
/// Invalid input becomes a <see cref="DeadLetter"/> with its original bytes and a reason; nothing is lost.
/// </summary>
public static class EventCodec
{
    [ThreadStatic]
    private static ReadOnlyMemory<byte> t_lateRecord;

    [ThreadStatic]
    private static EventOrigin t_lateOrigin;

    [ThreadStatic]
    private static Dictionary<int, CityEvent>? t_lateRows;

    /// <summary>Decodes one record of a source into <paramref name="output"/>; counts events in and dead letters.</summary>
    /// <param name="schema">The source the record's topic carries.</param>
    /// <param name="payload">The record value.</param>
    /// <param name="contentType">The <c>content-type</c> header, or null for JSON.</param>
    /// <param name="origin">Where the record was read from.</param>
    /// <param name="output">Receives events and dead letters (appended).</param>
    public static void Decode(SourceSchema schema, ReadOnlyMemory<byte> payload, string? contentType, EventOrigin origin, DecodedBatch output) =>
        Decode(schema, payload, contentType, origin, output, ulong.MaxValue);

    /// <summary>
    /// As <see cref="Decode(SourceSchema, ReadOnlyMemory{byte}, string?, EventOrigin, DecodedBatch)"/>, but an event keeps the string
    /// values of the fields in <paramref name="keep"/> only (<see cref="RuleRuntime.FieldsRead"/>); the others are validated all the same,
    /// and a late dead letter of the event carries the record as it came. Those in <paramref name="asBytes"/>
    /// (<see cref="RuleRuntime.StringsReadLater"/>) may stay UTF-8 bytes of <paramref name="payload"/> until first read: the caller leaves
    /// the payload as it is until the runtime has processed the events (which then make the strings of those it keeps).
    /// </summary>
    internal static void Decode(SourceSchema schema, ReadOnlyMemory<byte> payload, string? contentType, EventOrigin origin, DecodedBatch output, ulong keep, ulong asBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(output);
        var eventsBefore = output.Events.Count;
        var lettersBefore = output.DeadLetters.Count;
        if (contentType is null || contentType.StartsWith(ContentTypes.Json, StringComparison.OrdinalIgnoreCase))
        {
            var evt = JsonEventReader.Read(schema, payload.Span, out var reason, out var detail, out var leftOut, keep: keep, recycled: output, asBytes: asBytes);
            if (evt is null)
            {
                output.DeadLetters.Add(new DeadLetter(schema.Name, reason, detail, origin, payload));
            }
            else
            {
                evt.Origin = origin;
                evt.FieldsLeftOut = leftOut;
                if (leftOut || evt.HasUnreadStrings)
                {
                    evt.SourceRecord = payload;
                }

                output.Events.Add(evt);
            }
        }
        else if (contentType.StartsWith(ContentTypes.Arrow, StringComparison.OrdinalIgnoreCase))
        {
            ArrowBatchCodec.Read(schema, payload, origin, output, keep, asBytes);
        }
        else
        {
            output.DeadLetters.Add(new DeadLetter(schema.Name, DeadLetterReasons.UnknownContentType, $"content-type '{contentType}' is neither {ContentTypes.Json} nor {ContentTypes.Arrow}", origin, payload));
        }

        var events = output.Events.Count - eventsBefore;
        var letters = output.DeadLetters.Count - lettersBefore;
        EngineMetrics.EventsInOf(schema).Inc(events + letters);
        for (var i = lettersBefore; i < output.DeadLetters.Count; i++)
        {
            EngineMetrics.DeadLettered.WithLabels(schema.Name, output.DeadLetters[i].Reason).Inc();
        }
    }

    /// <summary>
    /// The event as one JSON record value with every field it came with: for an event decoded without the strings no rule reads, its
    /// JSON record as it came, or its Arrow row decoded again in full.
    /// </summary>
    internal static byte[] ToCompleteJson(CityEvent evt)
    {
        var record = evt.SourceRecord;
        if (record.IsEmpty || !evt.FieldsLeftOut)
        {
            // Strings still held as bytes are made from the record, which is there until the runtime is done with the event.
            return ToJson(evt);
        }

        if (!evt.SourceRecordIsArrow)
        {
            // A copy even of a whole array: the record may sit in a buffer the host reuses, and a dead letter outlives the poll.
            return record.ToArray();
        }

        // Rows of one record tend to be late together: decode the record in full once, not once per late row. The origin is compared
        // too: a host may decode each record from one reused buffer.
        var recordOrigin = evt.Origin with { Row = 0 };
        if (!t_lateRecord.Equals(record) || t_lateOrigin != recordOrigin)
        {
            var full = new DecodedBatch();
            ArrowBatchCodec.Read(evt.Schema, record, recordOrigin, full);
            t_lateRows = new Dictionary<int, CityEvent>(full.Events.Count);
            foreach (var candidate in full.Events)
            {
                t_lateRows[candidate.Origin.Row] = candidate;
            }

            t_lateRecord = record;
            t_lateOrigin = recordOrigin;
        }

        return t_lateRows!.TryGetValue(evt.Origin.Row, out var row) ? ToJson(row) : ToJson(evt);
    }

    /// <summary>The event as one JSON record value.</summary>
    public static byte[] ToJson(CityEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var buffer = new ArrayBufferWriter<byte>(256);
        JsonEventReader.Write(evt, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the event's JSON to a buffer (no intermediate array).</summary>
    public static void WriteJson(CityEvent evt, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(evt);
        JsonEventReader.Write(evt, output);
    }

    /// <summary>The events (all of one source) as one Arrow IPC stream record value.</summary>
    public static byte[] ToArrowBatch(IReadOnlyList<CityEvent> events) => ArrowBatchCodec.Write(events);
}
