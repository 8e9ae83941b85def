using System.Diagnostics.CodeAnalysis;

namespace CityStream.Connectors.Simulator;

/// <summary>
/// One record as a connector would send it to Kafka. JSON records are keyed by the source's key field
/// (plate, dwelling_id or grid); an Arrow batch is keyed by its shard (e.g. <c>vehicle_gps/07</c>): each plate or
/// dwelling belongs to exactly one shard, so all events of an entity land on one partition.
/// </summary>
/// <param name="Topic">Source topic (e.g. <c>city.vehicle-gps</c>).</param>
/// <param name="Key">Record key.</param>
/// <param name="Value">Record value: one JSON event or an Arrow IPC stream.</param>
/// <param name="ContentType">Value of the <c>content-type</c> header (<see cref="Engine.ContentTypes"/>).</param>
/// <param name="EmitTimeMs">Simulated instant the record is sent (Unix ms); non-decreasing over a run. Event times in the payload may lag it.</param>
/// <param name="EventCount">Events the record was meant to carry (1 for JSON, the rows of a batch).</param>
/// <param name="Malformed">True when the record (or a row of the batch) is invalid and must be dead-lettered.</param>
[SuppressMessage("Performance", "CA1819:Properties should not return arrays", Justification = "A record value is a byte array on the wire; copying it per record would cost more than it protects.")]
public sealed record SimulatedRecord(string Topic, string Key, byte[] Value, string ContentType, long EmitTimeMs, int EventCount, bool Malformed);
