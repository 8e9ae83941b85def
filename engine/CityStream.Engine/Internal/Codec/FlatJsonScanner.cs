using System.Buffers;
using System.Text.Json;

namespace CityStream.Engine.Internal.Codec;

/// <summary>
/// Scans the JSON an event record nearly always is — one flat object of unescaped strings, plain numbers and booleans — and gives
/// up (<see cref="Step.Unsupported"/>) on anything else: an escape, a nested value, <c>null</c>, a non-ASCII property name, malformed
/// text. It accepts only text <see cref="Utf8JsonReader"/> accepts, and reads the same tokens; what it gives up on, the caller reads
/// again with the reader, which then gives the error or the value.
/// </summary>
/// <remarks>
/// Written by hand because the general reader's state machine (<c>ConsumeNextToken</c>, <c>ConsumeValue</c>,
/// <c>ReadSingleSegment</c>) was two thirds of decoding a JSON event, and decoding the largest share of the JSON Kafka host's own work
/// (benchmarks/RESULTS.md round 12). A flat object needs none of that state: no depth, no segments, no comments.
/// </remarks>
internal ref struct FlatJsonScanner
{
    // A string value ends at its quote; a backslash (an escape) or a control character (invalid inside a JSON string) means give up.
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
    [
        (byte)'"', (byte)'\\', 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
        0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F,
    ]);

    private readonly ReadOnlySpan<byte> _json;
    private int _at;
    private bool _first;

    public FlatJsonScanner(ReadOnlySpan<byte> json)
    {
        _json = json;
        _first = true;
    }

    /// <summary>What <see cref="Next"/> found.</summary>
    public enum Step
    {
        /// <summary>A property: its name and its value token.</summary>
        Property,

        /// <summary>The object's end, with nothing but whitespace after it.</summary>
        End,

        /// <summary>Anything else: read the record with <see cref="Utf8JsonReader"/>.</summary>
        Unsupported,
    }

    /// <summary>Reads the object's opening brace (after whitespace).</summary>
    public bool TryStart()
    {
        SkipWhitespace();
        if (_at < _json.Length && _json[_at] == (byte)'{')
        {
            _at++;
            return true;
        }

        return false;
    }

    /// <summary>
    /// The next property — its name's bytes (printable ASCII, unescaped), its value's token and the value's bytes (a string's without
    /// quotes) — or the end of the object.
    /// </summary>
    public Step Next(out ReadOnlySpan<byte> name, out JsonTokenType token, out ReadOnlySpan<byte> value)
    {
        name = default;
        value = default;
        token = JsonTokenType.None;
        SkipWhitespace();
        if (_at >= _json.Length)
        {
            return Step.Unsupported;
        }

        if (_json[_at] == (byte)'}')
        {
            return Close();
        }

        if (!_first)
        {
            // A value is followed by a comma and the next property, or by the closing brace (above); "12a", "truex" end here.
            if (_json[_at] != (byte)',')
            {
                return Step.Unsupported;
            }

            _at++;
            SkipWhitespace();
        }

        // A property must follow: "{..., }" (a trailing comma) is an error the reader reports.
        if (_at >= _json.Length || _json[_at] != (byte)'"' || !TryName(out name))
        {
            return Step.Unsupported;
        }

        SkipWhitespace();
        if (_at >= _json.Length || _json[_at] != (byte)':')
        {
            return Step.Unsupported;
        }

        _at++;
        SkipWhitespace();
        if (!TryValue(out token, out value))
        {
            return Step.Unsupported;
        }

        _first = false;
        return Step.Property;
    }

    private Step Close()
    {
        _at++;
        SkipWhitespace();
        return _at == _json.Length ? Step.End : Step.Unsupported;
    }

    private bool TryName(out ReadOnlySpan<byte> name)
    {
        var start = _at + 1;
        var end = start;
        while (end < _json.Length && _json[end] is >= 0x20 and <= 0x7E and not (byte)'"' and not (byte)'\\')
        {
            end++;
        }

        name = _json[start..end];
        if (end >= _json.Length || _json[end] != (byte)'"')
        {
            return false;
        }

        _at = end + 1;
        return true;
    }

    private bool TryValue(out JsonTokenType token, out ReadOnlySpan<byte> value)
    {
        value = default;
        token = JsonTokenType.None;
        if (_at >= _json.Length)
        {
            return false;
        }

        switch (_json[_at])
        {
            case (byte)'"':
                var rest = _json[(_at + 1)..];
                var stop = rest.IndexOfAny(StringStops);
                if (stop < 0 || rest[stop] != (byte)'"')
                {
                    return false;
                }

                token = JsonTokenType.String;
                value = rest[..stop];
                _at += stop + 2;
                return true;
            case (byte)'t':
                token = JsonTokenType.True;
                return TryLiteral("true"u8, out value);
            case (byte)'f':
                token = JsonTokenType.False;
                return TryLiteral("false"u8, out value);
            case (byte)'-' or (>= (byte)'0' and <= (byte)'9'):
                token = JsonTokenType.Number;
                return TryNumber(out value);
            default:
                return false;
        }
    }

    private bool TryLiteral(ReadOnlySpan<byte> literal, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!_json[_at..].StartsWith(literal))
        {
            return false;
        }

        value = _json.Slice(_at, literal.Length);
        _at += literal.Length;
        return true;
    }

    /// <summary>A number as JSON spells it: <c>-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?</c>.</summary>
    private bool TryNumber(out ReadOnlySpan<byte> value)
    {
        value = default;
        var start = _at;
        var at = _at;
        if (_json[at] == (byte)'-')
        {
            at++;
        }

        if (at >= _json.Length || !IsDigit(_json[at]))
        {
            return false;
        }

        if (_json[at] == (byte)'0')
        {
            at++;
        }
        else
        {
            at = SkipDigits(at);
        }

        if (at < _json.Length && _json[at] == (byte)'.')
        {
            if (at + 1 >= _json.Length || !IsDigit(_json[at + 1]))
            {
                return false;
            }

            at = SkipDigits(at + 1);
        }

        if (at < _json.Length && (_json[at] | 0x20) == (byte)'e')
        {
            at++;
            if (at < _json.Length && _json[at] is (byte)'+' or (byte)'-')
            {
                at++;
            }

            if (at >= _json.Length || !IsDigit(_json[at]))
            {
                return false;
            }

            at = SkipDigits(at);
        }

        value = _json[start..at];
        _at = at;
        return true;
    }

    private readonly int SkipDigits(int at)
    {
        while (at < _json.Length && IsDigit(_json[at]))
        {
            at++;
        }

        return at;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private void SkipWhitespace()
    {
        while (_at < _json.Length && _json[_at] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            _at++;
        }
    }
}
