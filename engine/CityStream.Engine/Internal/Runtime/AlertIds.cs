using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// Deterministic alert ids: XxHash128 of the UTF-8 of rule id, dedup key and episode, each followed by a 0 byte (so
/// ("ab","c") and ("a","bc") differ), as 32 hex digits. Hashed in one shot over a stack (or pooled) buffer: an id is
/// made per alert, so no hasher object or episode string is allocated for it.
/// </summary>
internal static class AlertIds
{
    private const int StackLimit = 512;
    private const string WindowEpisodePrefix = "window:";

    public static string For(string ruleId, string dedupKey, string episode) => For(ruleId, dedupKey, episode.AsSpan());

    /// <summary>The id whose episode is the window starting at <paramref name="windowStart"/> ("window:&lt;start ms&gt;").</summary>
    public static string ForWindow(string ruleId, string key, long windowStart)
    {
        Span<char> episode = stackalloc char[WindowEpisodePrefix.Length + 20];
        WindowEpisodePrefix.CopyTo(episode);
        windowStart.TryFormat(episode[WindowEpisodePrefix.Length..], out var digits, default, CultureInfo.InvariantCulture);
        return For(ruleId, key, episode[..(WindowEpisodePrefix.Length + digits)]);
    }

    /// <summary>The episode text <see cref="ForWindow"/> hashes, for operators that need it as a string.</summary>
    public static string WindowEpisode(long windowStart) => WindowEpisodePrefix + windowStart.ToString(CultureInfo.InvariantCulture);

    private static string For(string ruleId, string dedupKey, ReadOnlySpan<char> episode)
    {
        var length = Encoding.UTF8.GetMaxByteCount(ruleId.Length + dedupKey.Length + episode.Length) + 3;
        byte[]? rented = null;
        Span<byte> buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var written = Append(buffer, 0, ruleId);
        written = Append(buffer, written, dedupKey);
        written = Append(buffer, written, episode);
        var id = Hex(buffer[..written]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return id;
    }

    private static int Append(Span<byte> buffer, int at, ReadOnlySpan<char> part)
    {
        var length = Encoding.UTF8.GetBytes(part, buffer[at..]);
        buffer[at + length] = 0;
        return at + length + 1;
    }

    private static string Hex(ReadOnlySpan<byte> input)
    {
        Span<byte> digest = stackalloc byte[16];
        XxHash128.Hash(input, digest);
        return Convert.ToHexStringLower(digest);
    }
}
