using System.Globalization;
using System.Text;

namespace CityStream.Engine.Internal.Conditions;

/// <summary>Splits condition text into tokens; throws <see cref="ConditionSyntaxException"/> on text that is no token.</summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, string.Empty, text.Length, null));
                return tokens;
            }

            var c = text[i];
            Token token;
            if (IsRawStringStart(text, i))
            {
                token = ReadString(text, i + 1, raw: true, tokenStart: i);
            }
            else if (char.IsLetter(c) || c == '_')
            {
                token = ReadWord(text, i);
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                token = ReadNumber(text, i);
            }
            else if (c is '\'' or '"')
            {
                token = ReadString(text, i, raw: false, tokenStart: i);
            }
            else
            {
                token = ReadOperator(text, i);
            }

            tokens.Add(token);
            i = token.Offset + token.Text.Length;
        }
    }

    private static bool IsRawStringStart(string text, int i) =>
        text[i] is 'r' or 'R' && i + 1 < text.Length && text[i + 1] is '\'' or '"' && (i == 0 || !IsWordChar(text[i - 1]));

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static Token ReadWord(string text, int start)
    {
        var end = start + 1;
        while (end < text.Length && IsWordChar(text[end]))
        {
            end++;
        }

        var word = text[start..end];
        var kind = word switch
        {
            "true" => TokenKind.True,
            "false" => TokenKind.False,
            "null" => TokenKind.Null,
            "in" => TokenKind.In,
            _ => TokenKind.Identifier,
        };
        return new Token(kind, word, start, null);
    }

    private static Token ReadNumber(string text, int start)
    {
        var end = start;
        var isFloat = false;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        if (end + 1 < text.Length && text[end] == '.' && char.IsAsciiDigit(text[end + 1]))
        {
            isFloat = true;
            end++;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }
        }

        if (end < text.Length && text[end] is 'e' or 'E')
        {
            var exponent = end + 1;
            if (exponent < text.Length && text[exponent] is '+' or '-')
            {
                exponent++;
            }

            if (exponent < text.Length && char.IsAsciiDigit(text[exponent]))
            {
                isFloat = true;
                end = exponent;
                while (end < text.Length && char.IsAsciiDigit(text[end]))
                {
                    end++;
                }
            }
        }

        if (end < text.Length && IsWordChar(text[end]))
        {
            throw new ConditionSyntaxException(start, $"malformed number '{text[start..(end + 1)]}'");
        }

        var literal = text[start..end];
        if (isFloat)
        {
            return new Token(TokenKind.Float, literal, start, double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        if (!long.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new ConditionSyntaxException(start, $"integer {literal} is too large");
        }

        return new Token(TokenKind.Integer, literal, start, value);
    }

    private static Token ReadString(string text, int quoteAt, bool raw, int tokenStart)
    {
        var quote = text[quoteAt];
        var value = new StringBuilder();
        var i = quoteAt + 1;
        while (true)
        {
            if (i >= text.Length)
            {
                throw new ConditionSyntaxException(tokenStart, $"unterminated string: expected {quote} but found end of expression");
            }

            var c = text[i];
            if (c == quote)
            {
                return new Token(TokenKind.String, text[tokenStart..(i + 1)], tokenStart, value.ToString());
            }

            if (c != '\\' || raw)
            {
                value.Append(c);
                i++;
                continue;
            }

            i = ReadEscape(text, i, value);
        }
    }

    private static int ReadEscape(string text, int backslashAt, StringBuilder value)
    {
        if (backslashAt + 1 >= text.Length)
        {
            throw new ConditionSyntaxException(backslashAt, "unterminated escape sequence at end of expression");
        }

        var e = text[backslashAt + 1];
        switch (e)
        {
            case '\\' or '\'' or '"' or '`' or '?':
                value.Append(e);
                return backslashAt + 2;
            case 'n':
                value.Append('\n');
                return backslashAt + 2;
            case 't':
                value.Append('\t');
                return backslashAt + 2;
            case 'r':
                value.Append('\r');
                return backslashAt + 2;
            case 'u':
                if (backslashAt + 6 <= text.Length
                    && int.TryParse(text.AsSpan(backslashAt + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    value.Append((char)code);
                    return backslashAt + 6;
                }

                throw new ConditionSyntaxException(backslashAt, "malformed escape: expected \\u followed by 4 hex digits");
            default:
                throw new ConditionSyntaxException(
                    backslashAt,
                    $"unknown escape sequence '\\{e}' (write '\\\\{e}', or use a raw string such as r'\\{e}')");
        }
    }

    private static Token ReadOperator(string text, int i)
    {
        var c = text[i];
        var next = i + 1 < text.Length ? text[i + 1] : '\0';
        (TokenKind Kind, int Length) op = (c, next) switch
        {
            ('=', '=') => (TokenKind.EqualEqual, 2),
            ('!', '=') => (TokenKind.NotEqual, 2),
            ('<', '=') => (TokenKind.LessEqual, 2),
            ('>', '=') => (TokenKind.GreaterEqual, 2),
            ('&', '&') => (TokenKind.AndAnd, 2),
            ('|', '|') => (TokenKind.OrOr, 2),
            ('<', _) => (TokenKind.Less, 1),
            ('>', _) => (TokenKind.Greater, 1),
            ('!', _) => (TokenKind.Not, 1),
            ('?', _) => (TokenKind.Question, 1),
            (':', _) => (TokenKind.Colon, 1),
            ('+', _) => (TokenKind.Plus, 1),
            ('-', _) => (TokenKind.Minus, 1),
            ('*', _) => (TokenKind.Star, 1),
            ('/', _) => (TokenKind.Slash, 1),
            ('%', _) => (TokenKind.Percent, 1),
            ('(', _) => (TokenKind.OpenParen, 1),
            (')', _) => (TokenKind.CloseParen, 1),
            ('[', _) => (TokenKind.OpenBracket, 1),
            (']', _) => (TokenKind.CloseBracket, 1),
            (',', _) => (TokenKind.Comma, 1),
            ('.', _) => (TokenKind.Dot, 1),
            ('=', _) => throw new ConditionSyntaxException(i, "unexpected '='; did you mean '=='?"),
            ('&', _) => throw new ConditionSyntaxException(i, "unexpected '&'; did you mean '&&'?"),
            ('|', _) => throw new ConditionSyntaxException(i, "unexpected '|'; did you mean '||'?"),
            _ => throw new ConditionSyntaxException(i, $"unexpected character '{c}'"),
        };
        return new Token(op.Kind, text.Substring(i, op.Length), i, null);
    }
}
