namespace CityStream.Engine.Internal.Conditions;

/// <summary>
/// Recursive-descent parser of the condition language, with CEL's precedence (loosest first):
/// <c>?:</c>, <c>||</c>, <c>&amp;&amp;</c>, comparisons and <c>in</c>, <c>+ -</c>, <c>* / %</c>, unary <c>! -</c>, member access and calls.
/// Throws <see cref="ConditionSyntaxException"/> at the first syntax error.
/// </summary>
internal sealed class Parser
{
    private const int MaxDepth = 100;
    private readonly List<Token> _tokens;
    private int _position;
    private int _depth;

    private Parser(List<Token> tokens) => _tokens = tokens;

    private Token Current => _tokens[_position];

    public static SyntaxNode Parse(string text)
    {
        var parser = new Parser(Lexer.Tokenize(text));
        if (parser.Current.Kind == TokenKind.End)
        {
            throw new ConditionSyntaxException(0, "expected an expression but found end of expression");
        }

        var root = parser.ParseExpression();
        if (parser.Current.Kind != TokenKind.End)
        {
            var found = parser.Current;
            var expected = found.Kind == TokenKind.CloseParen ? "end of expression (unbalanced ')')" : "an operator or end of expression";
            throw new ConditionSyntaxException(found.Offset, $"expected {expected} but found {found.Describe()}");
        }

        return root;
    }

    private Token Advance() => _tokens[_position++];

    private Token Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw new ConditionSyntaxException(Current.Offset, $"expected {what} but found {Current.Describe()}");
        }

        return Advance();
    }

    private SyntaxNode ParseExpression()
    {
        if (++_depth > MaxDepth)
        {
            throw new ConditionSyntaxException(Current.Offset, $"expression is nested more than {MaxDepth} levels deep");
        }

        var condition = ParseOr();
        if (Current.Kind == TokenKind.Question)
        {
            var question = Advance();
            var whenTrue = ParseOr();
            Expect(TokenKind.Colon, "':'");
            var whenFalse = ParseExpression();
            condition = new ConditionalSyntax(condition.Offset, question.Offset, condition, whenTrue, whenFalse);
        }

        _depth--;
        return condition;
    }

    private SyntaxNode ParseOr()
    {
        var left = ParseAnd();
        while (Current.Kind == TokenKind.OrOr)
        {
            var op = Advance();
            left = new BinarySyntax(left.Offset, op.Kind, op.Text, op.Offset, left, ParseAnd());
        }

        return left;
    }

    private SyntaxNode ParseAnd()
    {
        var left = ParseRelation();
        while (Current.Kind == TokenKind.AndAnd)
        {
            var op = Advance();
            left = new BinarySyntax(left.Offset, op.Kind, op.Text, op.Offset, left, ParseRelation());
        }

        return left;
    }

    private SyntaxNode ParseRelation()
    {
        var left = ParseAdditive();
        while (Current.Kind is TokenKind.EqualEqual or TokenKind.NotEqual or TokenKind.Less or TokenKind.LessEqual
               or TokenKind.Greater or TokenKind.GreaterEqual or TokenKind.In)
        {
            var op = Advance();
            left = new BinarySyntax(left.Offset, op.Kind, op.Text, op.Offset, left, ParseAdditive());
        }

        return left;
    }

    private SyntaxNode ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Current.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var op = Advance();
            left = new BinarySyntax(left.Offset, op.Kind, op.Text, op.Offset, left, ParseMultiplicative());
        }

        return left;
    }

    private SyntaxNode ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Current.Kind is TokenKind.Star or TokenKind.Slash or TokenKind.Percent)
        {
            var op = Advance();
            left = new BinarySyntax(left.Offset, op.Kind, op.Text, op.Offset, left, ParseUnary());
        }

        return left;
    }

    private SyntaxNode ParseUnary()
    {
        if (Current.Kind is TokenKind.Not or TokenKind.Minus)
        {
            if (++_depth > MaxDepth)
            {
                throw new ConditionSyntaxException(Current.Offset, $"expression is nested more than {MaxDepth} levels deep");
            }

            var op = Advance();
            var operand = ParseUnary();
            _depth--;
            return new UnarySyntax(op.Offset, op.Kind, operand);
        }

        return ParseMember();
    }

    private SyntaxNode ParseMember()
    {
        var node = ParsePrimary();
        while (Current.Kind == TokenKind.Dot)
        {
            Advance();
            var name = Expect(TokenKind.Identifier, "a name after '.'");
            node = Current.Kind == TokenKind.OpenParen
                ? new CallSyntax(node.Offset, node, name.Text, name.Offset, ParseArguments())
                : new MemberSyntax(node.Offset, node, name.Text, name.Offset);
        }

        return node;
    }

    private List<SyntaxNode> ParseArguments()
    {
        Expect(TokenKind.OpenParen, "'('");
        var arguments = new List<SyntaxNode>();
        if (Current.Kind != TokenKind.CloseParen)
        {
            arguments.Add(ParseExpression());
            while (Current.Kind == TokenKind.Comma)
            {
                Advance();
                arguments.Add(ParseExpression());
            }
        }

        Expect(TokenKind.CloseParen, arguments.Count == 0 ? "an argument or ')'" : "',' or ')'");
        return arguments;
    }

    private SyntaxNode ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Identifier:
                Advance();
                return Current.Kind == TokenKind.OpenParen
                    ? new CallSyntax(token.Offset, null, token.Text, token.Offset, ParseArguments())
                    : new IdentifierSyntax(token.Offset, token.Text);
            case TokenKind.Integer or TokenKind.Float or TokenKind.String:
                Advance();
                return new LiteralSyntax(token.Offset, token.Value, token.Text);
            case TokenKind.True or TokenKind.False:
                Advance();
                return new LiteralSyntax(token.Offset, token.Kind == TokenKind.True, token.Text);
            case TokenKind.Null:
                Advance();
                return new LiteralSyntax(token.Offset, null, token.Text);
            case TokenKind.OpenParen:
                Advance();
                var inner = ParseExpression();
                Expect(TokenKind.CloseParen, "')'");
                return inner;
            case TokenKind.OpenBracket:
                return ParseList();
            default:
                throw new ConditionSyntaxException(token.Offset, $"expected an expression but found {token.Describe()}");
        }
    }

    private ListSyntax ParseList()
    {
        var open = Advance();
        var items = new List<SyntaxNode>();
        if (Current.Kind != TokenKind.CloseBracket)
        {
            items.Add(ParseExpression());
            while (Current.Kind == TokenKind.Comma)
            {
                Advance();
                if (Current.Kind == TokenKind.CloseBracket)
                {
                    break;
                }

                items.Add(ParseExpression());
            }
        }

        Expect(TokenKind.CloseBracket, items.Count == 0 ? "a list item or ']'" : "',' or ']'");
        return new ListSyntax(open.Offset, items);
    }
}
