using CityStream.Connectors.Redis;
using CityStream.Engine;
using CityStream.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace CityStream.IntegrationTests.Redis;

[Collection(SharedRedis.Name)]
public sealed class RedisAlertSinkTests(RedisFixture fixture)
{
    [SkippableFact]
    public async Task Written_alert_lands_in_stream_hash_open_set_geo_index_and_live_channel()
    {
        Skip.IfNot(fixture.Available, fixture.SkipReason);
        await using var context = await RedisTestContext.CreateAsync(fixture);
        var pack = AlertSamples.UniquePack();
        var alert = AlertSamples.Dwell(pack, sequence: 7);
        var queue = await context.SubscribeAsync(pack);

        await context.Sink.WriteAsync([alert], CancellationToken.None);

        var entries = await context.Db.StreamRangeAsync(context.Stream(pack));
        var entry = Assert.Single(entries);
        Assert.Equal(alert.Id, (string?)entry["id"]);
        Assert.Equal(alert, AlertJson.Deserialize((string)entry["json"]!), AlertComparer.Instance);

        var hash = (await context.Db.HashGetAllAsync(context.AlertHash(alert.Id))).ToStringDictionary();
        Assert.Equal(alert.Rule, hash["rule"]);
        Assert.Equal(pack, hash["pack"]);
        Assert.Equal("high", hash["severity"]);
        Assert.Equal(alert.Key, hash["key"]);
        Assert.Equal(alert.FirstEventTime.ToString(System.Globalization.CultureInfo.InvariantCulture), hash["first_event_time"]);
        Assert.Equal(alert.LastEventTime.ToString(System.Globalization.CultureInfo.InvariantCulture), hash["last_event_time"]);
        Assert.Equal(alert.EmitTime.ToString(System.Globalization.CultureInfo.InvariantCulture), hash["emit_time"]);
        Assert.Equal("G-0417", hash["grid"]);
        Assert.Equal("emergency-management", hash["route"]);
        Assert.Equal("open", hash["status"]);
        Assert.Equal(alert.Id, AlertJson.Deserialize(hash["json"])!.Id);

        var ttl = await context.Db.KeyTimeToLiveAsync(context.AlertHash(alert.Id));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7));

        Assert.Equal(alert.LastEventTime, await context.Db.SortedSetScoreAsync(context.OpenSet(pack), alert.Id));

        var position = await context.Db.GeoPositionAsync(context.GeoIndex(pack), alert.Id);
        Assert.NotNull(position);
        Assert.Equal(AlertSamples.NantongCentre.Lat, position.Value.Latitude, 4);
        Assert.Equal(AlertSamples.NantongCentre.Lon, position.Value.Longitude, 4);

        var published = Assert.Single(await context.DrainAsync(queue, pack));
        Assert.Equal(alert.Id, AlertJson.Deserialize(published)!.Id);
    }

    [SkippableFact]
    public async Task Same_alert_twice_in_one_batch_is_one_stream_entry_one_publish_and_one_open_member()
    {
        Skip.IfNot(fixture.Available, fixture.SkipReason);
        await using var context = await RedisTestContext.CreateAsync(fixture);
        var pack = AlertSamples.UniquePack();
        var alert = AlertSamples.Dwell(pack);
        var queue = await context.SubscribeAsync(pack);

        var newlyWritten = await context.Sink.WriteBatchAsync([alert, alert with { }], CancellationToken.None);

        Assert.Equal(1, newlyWritten);
        await AssertWrittenOnceAsync(context, queue, pack, alert);
    }

    [SkippableFact]
    public async Task Same_alert_in_two_batches_is_one_stream_entry_one_publish_and_one_open_member()
    {
        Skip.IfNot(fixture.Available, fixture.SkipReason);
        await using var context = await RedisTestContext.CreateAsync(fixture);
        var pack = AlertSamples.UniquePack();
        var alert = AlertSamples.Dwell(pack);
        var queue = await context.SubscribeAsync(pack);

        await context.Sink.WriteAsync([alert], CancellationToken.None);
        var newlyWrittenAgain = await context.Sink.WriteBatchAsync([alert], CancellationToken.None);

        Assert.Equal(0, newlyWrittenAgain);
        await AssertWrittenOnceAsync(context, queue, pack, alert);
    }

    [SkippableFact]
    public async Task Batch_of_1000_alerts_all_land()
    {
        Skip.IfNot(fixture.Available, fixture.SkipReason);
        await using var context = await RedisTestContext.CreateAsync(fixture);
        var pack = AlertSamples.UniquePack();
        var alerts = new List<Alert>(1_000);
        for (var i = 0; i < 1_000; i++)
        {
            var location = new GeoPoint(AlertSamples.NantongCentre.Lat + (i * 0.0001), AlertSamples.NantongCentre.Lon);
            alerts.Add(AlertSamples.Dwell(pack, sequence: i, location: location));
        }

        var newlyWritten = await context.Sink.WriteBatchAsync(alerts, CancellationToken.None);

        Assert.Equal(1_000, newlyWritten);
        Assert.Equal(1_000, await context.Db.StreamLengthAsync(context.Stream(pack)));
        Assert.Equal(1_000, await context.Db.SortedSetLengthAsync(context.OpenSet(pack)));
        Assert.Equal(1_000, await context.Db.SortedSetLengthAsync(context.GeoIndex(pack)));
        var streamIds = (await context.Db.StreamRangeAsync(context.Stream(pack))).Select(entry => (string)entry["id"]!).ToHashSet();
        Assert.Equal(alerts.Select(alert => alert.Id).ToHashSet(), streamIds);
        foreach (var alert in alerts)
        {
            Assert.True(await context.Db.KeyExistsAsync(context.AlertHash(alert.Id)), $"no hash for alert {alert.Id}");
        }
    }

    [SkippableFact]
    public async Task Close_removes_the_alert_from_the_open_set_and_sets_its_status()
    {
        Skip.IfNot(fixture.Available, fixture.SkipReason);
        await using var context = await RedisTestContext.CreateAsync(fixture);
        var pack = AlertSamples.UniquePack();
        var closed = AlertSamples.Dwell(pack, sequence: 1);
        var stillOpen = AlertSamples.Dwell(pack, sequence: 2);
        await context.Sink.WriteAsync([closed, stillOpen], CancellationToken.None);

        var found = await context.Sink.CloseAsync(pack, closed.Id, "resolved");

        Assert.True(found);
        Assert.Equal("resolved", (string?)await context.Db.HashGetAsync(context.AlertHash(closed.Id), "status"));
        Assert.Null(await context.Db.SortedSetScoreAsync(context.OpenSet(pack), closed.Id));
        Assert.Equal("open", (string?)await context.Db.HashGetAsync(context.AlertHash(stillOpen.Id), "status"));
        Assert.NotNull(await context.Db.SortedSetScoreAsync(context.OpenSet(pack), stillOpen.Id));
        Assert.NotNull(await context.Db.KeyTimeToLiveAsync(context.AlertHash(closed.Id)));
    }

    [SkippableFact]
    public async Task Closed_alert_written_again_stays_closed()
    {
        Skip.IfNot(fixture.Available, fixture.SkipReason);
        await using var context = await RedisTestContext.CreateAsync(fixture);
        var pack = AlertSamples.UniquePack();
        var alert = AlertSamples.Dwell(pack);
        await context.Sink.WriteAsync([alert], CancellationToken.None);
        await context.Sink.CloseAsync(pack, alert.Id, "false_positive");

        await context.Sink.WriteAsync([alert], CancellationToken.None);

        Assert.Equal("false_positive", (string?)await context.Db.HashGetAsync(context.AlertHash(alert.Id), "status"));
        Assert.Null(await context.Db.SortedSetScoreAsync(context.OpenSet(pack), alert.Id));
        Assert.Equal(1, await context.Db.StreamLengthAsync(context.Stream(pack)));
    }

    [SkippableFact]
    public async Task Close_of_an_unknown_alert_returns_false_and_creates_no_hash()
    {
        Skip.IfNot(fixture.Available, fixture.SkipReason);
        await using var context = await RedisTestContext.CreateAsync(fixture);
        var pack = AlertSamples.UniquePack();
        var unknownId = Guid.NewGuid().ToString("N");

        var found = await context.Sink.CloseAsync(pack, unknownId, "resolved");

        Assert.False(found);
        Assert.False(await context.Db.KeyExistsAsync(context.AlertHash(unknownId)));
    }

    [SkippableFact]
    public async Task Alert_without_location_is_written_everywhere_but_the_geo_index()
    {
        Skip.IfNot(fixture.Available, fixture.SkipReason);
        await using var context = await RedisTestContext.CreateAsync(fixture);
        var pack = AlertSamples.UniquePack();
        var alert = AlertSamples.WithoutLocation(pack);

        await context.Sink.WriteAsync([alert], CancellationToken.None);

        Assert.Equal(1, await context.Db.StreamLengthAsync(context.Stream(pack)));
        Assert.NotNull(await context.Db.SortedSetScoreAsync(context.OpenSet(pack), alert.Id));
        Assert.False(await context.Db.KeyExistsAsync(context.GeoIndex(pack)));
        Assert.Equal(string.Empty, (string?)await context.Db.HashGetAsync(context.AlertHash(alert.Id), "grid"));
    }

    [SkippableFact]
    public async Task Write_that_keeps_failing_throws_after_the_last_retry_counts_errors_and_writes_nothing()
    {
        Skip.IfNot(fixture.Available, fixture.SkipReason);
        await using var context = await RedisTestContext.CreateAsync(fixture, maxRetries: 2, initialBackoff: TimeSpan.FromMilliseconds(10));
        var pack = AlertSamples.UniquePack();
        var alert = AlertSamples.Dwell(pack);
        await context.Db.StringSetAsync(context.Stream(pack), "not a stream");
        var errorsBefore = EngineMetrics.SinkErrors.WithLabels("redis").Value;
        var retriesBefore = EngineMetrics.SinkRetries.WithLabels("redis").Value;

        var error = await Assert.ThrowsAsync<RedisSinkException>(() => context.Sink.WriteAsync([alert], CancellationToken.None).AsTask());

        Assert.Contains("WRONGTYPE", error.Message, StringComparison.Ordinal);
        Assert.True(EngineMetrics.SinkErrors.WithLabels("redis").Value - errorsBefore >= 3, "one error per attempt expected");
        Assert.True(EngineMetrics.SinkRetries.WithLabels("redis").Value - retriesBefore >= 2, "two retries expected");
        Assert.False(await context.Db.KeyExistsAsync(context.AlertHash(alert.Id)));
        Assert.False(await context.Db.KeyExistsAsync(context.OpenSet(pack)));
        Assert.False(await context.Db.KeyExistsAsync(context.GeoIndex(pack)));

        await context.Db.KeyDeleteAsync(context.Stream(pack));
        await context.Sink.WriteAsync([alert], CancellationToken.None);

        Assert.Equal(1, await context.Db.StreamLengthAsync(context.Stream(pack)));
    }

    [SkippableFact]
    public async Task Stream_is_trimmed_to_about_its_max_length()
    {
        Skip.IfNot(fixture.Available, fixture.SkipReason);
        await using var context = await RedisTestContext.CreateAsync(fixture, streamMaxLength: 10);
        var pack = AlertSamples.UniquePack();
        var alerts = new List<Alert>(1_000);
        for (var i = 0; i < 1_000; i++)
        {
            alerts.Add(AlertSamples.Dwell(pack, sequence: i));
        }

        await context.Sink.WriteAsync(alerts, CancellationToken.None);

        // MAXLEN ~ trims whole stream nodes (100 entries by default), so a few more than 10 may stay.
        Assert.InRange(await context.Db.StreamLengthAsync(context.Stream(pack)), 10, 200);
        Assert.Equal(1_000, await context.Db.SortedSetLengthAsync(context.OpenSet(pack)));
    }

    private static async Task AssertWrittenOnceAsync(RedisTestContext context, ChannelMessageQueue queue, string pack, Alert alert)
    {
        var entry = Assert.Single(await context.Db.StreamRangeAsync(context.Stream(pack)));
        Assert.Equal(alert.Id, (string?)entry["id"]);
        var published = Assert.Single(await context.DrainAsync(queue, pack));
        Assert.Equal(alert.Id, AlertJson.Deserialize(published)!.Id);
        Assert.Equal(1, await context.Db.SortedSetLengthAsync(context.OpenSet(pack)));
        Assert.Equal(1, await context.Db.SortedSetLengthAsync(context.GeoIndex(pack)));
    }
}
