using System.Text;
using CityStream.Engine;

namespace CityStream.Engine.Tests.Decoding;

public sealed class JsonDecodingTests
{
    private static readonly SourceSchema Video = TestEvents.Source("video_alert");
    private static readonly EventOrigin Origin = new("city.video-alert", 3, 1234);

    private static DecodedBatch Decode(string json, string? contentType = ContentTypes.Json)
    {
        var batch = new DecodedBatch();
        EventCodec.Decode(Video, Encoding.UTF8.GetBytes(json), contentType, Origin, batch);
        return batch;
    }

    [Fact]
    public void Valid_event_decodes_into_schema_bound_slots()
    {
        var batch = Decode("""{"id":"v1","ts":1780000000000,"camera_id":"cam-7","alert_type":"smoke","confidence":0.91,"grid":"G0101","lat":32.0,"lon":120.9}""");

        var evt = Assert.Single(batch.Events);
        Assert.Empty(batch.DeadLetters);
        Assert.Equal("v1", evt.Id);
        Assert.Equal(1780000000000, evt.Timestamp);
        Assert.Equal("smoke", evt.GetString(Video.Field("alert_type")!.Index));
        Assert.Equal(0.91, evt.GetNumber(Video.Field("confidence")!.Index));
        Assert.False(evt.Has(Video.Field("district")!));
        Assert.Equal(Origin, evt.Origin);
    }

    [Fact]
    public void Enum_values_are_interned_to_the_schema_string()
    {
        var batch = Decode("""{"id":"v1","ts":1,"camera_id":"c","alert_type":"crowd","confidence":0.5}""");

        var value = batch.Events[0].GetString(Video.Field("alert_type")!.Index);
        Assert.Same(Video.Field("alert_type")!.Enum![2], value);
    }

    [Theory]
    [InlineData("""{"id":"v1","ts":1,"camera_id":"c","alert_type":"smoke"}""", "schema_violation", "missing required field(s): confidence")]
    [InlineData("""{"id":"v1","ts":1,"camera_id":"c","alert_type":"smok","confidence":0.5}""", "schema_violation", "'smok' is not one of")]
    [InlineData("""{"id":"v1","ts":1,"camera_id":"c","alert_type":"smoke","confidence":1.5}""", "schema_violation", "above the maximum 1")]
    [InlineData("""{"id":"v1","ts":1,"camera_id":"c","alert_type":"smoke","confidence":"high"}""", "schema_violation", "expected number but found string")]
    [InlineData("""{"id":"v1","ts":1.5,"camera_id":"c","alert_type":"smoke","confidence":0.5}""", "schema_violation", "is not an integer")]
    [InlineData("""{"id":"v1","ts":1,"camera_id":"c","alert_type":"smoke","confidence":0.5,"lat":1e400}""", "schema_violation", "field 'lat': Infinity is not a finite number")]
    [InlineData("""{"id":"v1","ts":1,"camera_id":"c","alert_type":"smoke","confidence":0.5,"colour":"red"}""", "schema_violation", "unknown field 'colour'")]
    [InlineData("""{"id":"v1","ts":1,"camera_id":"","alert_type":"smoke","confidence":0.5}""", "schema_violation", "length 0 is below the minimum 1")]
    [InlineData("""{"id":"v1","ts":1,"camera_id":"c","alert_type":"smoke","confidence":0.5""", "malformed_json", "")]
    [InlineData("""[1,2,3]""", "malformed_json", "expected a JSON object")]
    [InlineData("""{"id":"v1","ts":1,"camera_id":"c","alert_type":"smoke","confidence":0.5} trailing""", "malformed_json", "")]
    [InlineData("", "malformed_json", "")]
    public void Invalid_event_is_dead_lettered_with_reason_and_original_bytes(string json, string reason, string detail)
    {
        var batch = Decode(json);

        Assert.Empty(batch.Events);
        var letter = Assert.Single(batch.DeadLetters);
        Assert.Equal(reason, letter.Reason);
        Assert.Contains(detail, letter.Detail, StringComparison.Ordinal);
        Assert.Equal(json, Encoding.UTF8.GetString(letter.Payload.Span));
        Assert.Equal(Origin, letter.Origin);
    }

    [Theory]
    [InlineData("1e400", "Infinity")]
    [InlineData("-1e400", "-Infinity")]
    public void A_number_too_large_for_a_double_is_dead_lettered_even_where_the_schema_sets_no_bound(string number, string shown)
    {
        var json = $$"""{"id":"u1","ts":1,"dwelling_id":"d-1","kind":"water","value":{{number}}}""";
        var batch = new DecodedBatch();

        EventCodec.Decode(TestEvents.Source("utility"), Encoding.UTF8.GetBytes(json), ContentTypes.Json, Origin, batch);

        Assert.Empty(batch.Events);
        var letter = Assert.Single(batch.DeadLetters);
        Assert.Equal("schema_violation", letter.Reason);
        Assert.Equal($"field 'value': {shown} is not a finite number", letter.Detail);
    }

    [Fact]
    public void Unknown_content_type_is_dead_lettered()
    {
        var batch = Decode("""{"id":"v1"}""", "text/csv");

        Assert.Equal(DeadLetterReasons.UnknownContentType, Assert.Single(batch.DeadLetters).Reason);
    }

    [Fact]
    public void Missing_content_type_means_json()
    {
        var batch = Decode("""{"id":"v1","ts":1,"camera_id":"c","alert_type":"smoke","confidence":0.5}""", contentType: null);

        Assert.Single(batch.Events);
    }

    [Fact]
    public void Escaped_property_names_and_unicode_values_decode()
    {
        var batch = Decode("""{"\u0069d":"v1","ts":1,"camera_id":"摄像头-1","alert_type":"smoke","confidence":0.5,"district":"崇川区"}""");

        var evt = Assert.Single(batch.Events);
        Assert.Equal("v1", evt.Id);
        Assert.Equal("摄像头-1", evt.GetString(Video.Field("camera_id")!.Index));
    }

    [Fact]
    public void Json_written_by_the_codec_decodes_to_the_same_values()
    {
        var original = TestEvents.Smoke("v9", TestEvents.T0, confidence: 0.875);
        var batch = new DecodedBatch();

        EventCodec.Decode(Video, EventCodec.ToJson(original), ContentTypes.Json, Origin, batch);

        var copy = Assert.Single(batch.Events);
        Assert.Equal(original.PresentMask, copy.PresentMask);
        foreach (var field in Video.Fields)
        {
            Assert.Equal(original.GetValue(field), copy.GetValue(field));
        }
    }
}
