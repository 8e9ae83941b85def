using System.IO.Hashing;
using System.Text;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>Deterministic alert ids: XxHash128 of rule id, dedup key and episode, as 32 hex digits.</summary>
internal static class AlertIds
{
    public static string For(string ruleId, string dedupKey, string episode)
    {
        var hash = new XxHash128();
        Append(hash, ruleId);
        Append(hash, dedupKey);
        Append(hash, episode);
        Span<byte> digest = stackalloc byte[16];
        hash.GetCurrentHash(digest);
        return Convert.ToHexStringLower(digest);
    }

    private static void Append(XxHash128 hash, string part)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(part) <= buffer.Length - 1 ? buffer : new byte[Encoding.UTF8.GetByteCount(part) + 1];
        var length = Encoding.UTF8.GetBytes(part, bytes);
        bytes[length] = 0; // separator, so ("ab","c") and ("a","bc") differ
        hash.Append(bytes[..(length + 1)]);
    }
}
