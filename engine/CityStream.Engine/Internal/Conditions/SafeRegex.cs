using System.Text.RegularExpressions;

namespace CityStream.Engine.Internal.Conditions;

/// <summary>A pattern of <c>matches()</c>, compiled once when the condition is; a match that runs past the timeout counts as no match.</summary>
internal sealed class SafeRegex(Regex regex)
{
    /// <summary>How long one match may run before it is given up as no match.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public bool IsMatch(string input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
