using CityStream.Engine.Internal.Runtime;

namespace CityStream.Engine.Tests.Runtime;

public sealed class KeyedStateTests
{
    [Theory]
    [InlineData(5_000_000_000_000_000_000L)]
    [InlineData(long.MaxValue)]
    public void A_touch_time_beyond_the_kept_range_stays_the_latest_not_the_oldest(long farFuture)
    {
        var state = new KeyedState<string>("rule", maxKeys: 2, ttlMs: 60_000);
        state.Add("future", farFuture, "f");
        state.Add("now", 1_000, "n");

        Assert.True(state.LastSeen("future") > state.LastSeen("now"));
        state.Add("next", 2_000, "x"); // past the limit: the least recently touched goes

        Assert.Equal("f", state.Get("future"));
        Assert.Null(state.Get("now"));
    }

    [Fact]
    public void A_key_changed_twice_between_checkpoints_is_written_once_and_a_removed_key_as_a_deletion()
    {
        var state = new KeyedState<string>("rule", maxKeys: 10, ttlMs: 60_000);
        state.Add("a", 1, "a");
        state.Add("b", 1, "b");
        Assert.Equal(["a", "b"], state.TakeDirty().Order());

        state.GetAndTouch("a", 2);
        state.GetAndTouch("a", 3);
        state.Remove("b");

        Assert.Equal(["a", "b"], state.TakeDirty().Order());
        Assert.Null(state.Get("b"));
        Assert.Empty(state.TakeDirty());
    }

    [Fact]
    public void A_key_removed_and_tracked_again_between_checkpoints_is_written_once_as_its_new_value()
    {
        var state = new KeyedState<string>("rule", maxKeys: 10, ttlMs: 60_000);
        state.Add("a", 1, "first window");
        state.TakeDirty();

        state.Remove("a");
        state.Add("a", 2, "next window");

        Assert.Equal(["a"], state.TakeDirty());
        Assert.Equal("next window", state.Get("a"));
        Assert.Empty(state.TakeDirty());
    }

    [Fact]
    public void Forgetting_the_changed_keys_taken_lets_go_of_them_and_keeps_the_state()
    {
        var state = new KeyedState<string>("rule", maxKeys: 10, ttlMs: 60_000);
        state.Add("a", 1, "a");
        var taken = state.TakeDirty();
        Assert.Equal(["a"], taken);

        state.ForgetTaken();

        Assert.Empty(taken);
        Assert.Equal("a", state.Get("a"));
    }
}
