using System.Globalization;
using System.Text;
using CityStream.Engine;

namespace CityStream.Benchmarks;

/// <summary>
/// The peers' workload (../shared/peers): event i has key <c>k{i % keys}</c>, district <c>D{i % 9}</c>, category <c>noise</c>
/// and event time 1,700,000,000,000 + i ms, as JSON byte for byte what <c>kstreams/run.sh load</c> writes. CityStream reads it
/// through a bench source schema (<see cref="Schema"/>) bound to the peers' field names, and, for the hosts that only know the
/// shipped sources, as the same logical load in CityStream's own hotline schema (<see cref="HotlineJson"/>).
/// </summary>
internal static class PeerWorkload
{
    public const long BaseTime = 1_700_000_000_000L;
    public const string Text = "resident reports repeated disturbance near the east gate of the block";

    private const string SchemaJson = """
        {
          "title": "The peers' keyed event (benchmarks only)",
          "x-citystream-source": { "name": "peer_event", "topic": "peer-in", "key": "key", "allowed_lateness": "1s" },
          "properties": {
            "id": { "type": "string", "minLength": 1, "maxLength": 128 },
            "source": { "type": "string", "enum": ["hotline"] },
            "key": { "type": "string", "maxLength": 64 },
            "district": { "type": "string", "maxLength": 64 },
            "category": { "type": "string", "enum": ["noise", "gas_smell", "other"] },
            "ts": { "type": "integer", "minimum": 0, "x-citystream-time": true },
            "text": { "type": "string", "maxLength": 4000 }
          },
          "required": ["id", "ts", "key"]
        }
        """;

    private static readonly Lazy<SourceSchema> LazySchema = new(() => SchemaRegistry.Parse(SchemaJson));

    /// <summary>The bench source <c>peer_event</c> (topic <c>peer-in</c>, key <c>key</c>).</summary>
    public static SourceSchema Schema => LazySchema.Value;

    /// <summary>The shipped sources plus <c>peer_event</c>, for packs and hosts that read the peers' records.</summary>
    public static SchemaRegistry Registry { get; } = new([.. SchemaRegistry.Default.Sources, Schema]);

    public static string Key(long i, int keys) => "k" + (i % keys).ToString(CultureInfo.InvariantCulture);

    /// <summary>Event i as the peers' JSON record value (identical to KeyedLoad.java's).</summary>
    public static byte[] Json(long i, int keys) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{{\"id\":\"e{i}\",\"source\":\"hotline\",\"key\":\"{Key(i, keys)}\",\"district\":\"D{i % 9}\",\"category\":\"noise\",\"ts\":{BaseTime + i},\"text\":\"{Text}\"}}"));

    /// <summary>Event i in CityStream's hotline schema: the peers' key goes into <c>grid</c> (the hotline's key field).</summary>
    public static byte[] HotlineJson(long i, int keys) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{{\"id\":\"e{i}\",\"ts\":{BaseTime + i},\"category\":\"noise\",\"subject\":\"noise\",\"text\":\"{Text}\",\"district\":\"D{i % 9}\",\"grid\":\"{Key(i, keys)}\"}}"));

    /// <summary>Event i decoded into the bench schema.</summary>
    public static CityEvent Event(long i, int keys) => Decode(Schema, Json(i, keys));

    /// <summary>Event i decoded into the hotline schema.</summary>
    public static CityEvent HotlineEvent(long i, int keys) => Decode(SchemaRegistry.Default.BySource("hotline")!, HotlineJson(i, keys));

    /// <summary>Events [from, from + count) as one Arrow IPC batch of a schema.</summary>
    public static byte[] ArrowBatch(long from, int count, int keys, bool hotline = false)
    {
        var events = new CityEvent[count];
        for (var r = 0; r < count; r++)
        {
            events[r] = hotline ? HotlineEvent(from + r, keys) : Event(from + r, keys);
        }

        return EventCodec.ToArrowBatch(events);
    }

    private static CityEvent Decode(SourceSchema schema, byte[] json)
    {
        var batch = new DecodedBatch();
        EventCodec.Decode(schema, json, ContentTypes.Json, new EventOrigin(schema.Topic, 0, 0), batch);
        return batch.Events.Count == 1
            ? batch.Events[0]
            : throw new InvalidOperationException("bench event does not decode: " + (batch.DeadLetters.Count > 0 ? batch.DeadLetters[0].Detail : "?"));
    }
}
