namespace CityStream.Engine.Internal.Conditions;

internal enum TokenKind
{
    End,
    Identifier,
    Integer,
    Float,
    String,
    True,
    False,
    Null,
    In,
    EqualEqual,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    AndAnd,
    OrOr,
    Not,
    Question,
    Colon,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
    Comma,
    Dot,
}

/// <summary>One token of a condition: its kind, its text, where it starts and, for literals, its value (string, long or double).</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Offset, object? Value)
{
    /// <summary>How the token is named in "expected X but found Y" messages.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "end of expression",
        TokenKind.String => $"string {Text}",
        TokenKind.Integer or TokenKind.Float => $"number {Text}",
        _ => $"'{Text}'",
    };
}
