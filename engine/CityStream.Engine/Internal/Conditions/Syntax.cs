namespace CityStream.Engine.Internal.Conditions;

/// <summary>A node of a parsed condition; <see cref="Offset"/> is where its text starts (0-based).</summary>
internal abstract record SyntaxNode(int Offset);

/// <summary>A literal: a string, a long, a double, a bool, or null.</summary>
internal sealed record LiteralSyntax(int Offset, object? Value, string Text) : SyntaxNode(Offset);

/// <summary>A bare name: a field or a macro.</summary>
internal sealed record IdentifierSyntax(int Offset, string Name) : SyntaxNode(Offset);

/// <summary><c>target.Name</c> without a call, such as <c>lists.hazmat_classes</c>.</summary>
internal sealed record MemberSyntax(int Offset, SyntaxNode Target, string Name, int NameOffset) : SyntaxNode(Offset);

/// <summary>A function call <c>name(args)</c> or, with a target, a method call <c>target.name(args)</c>.</summary>
internal sealed record CallSyntax(int Offset, SyntaxNode? Target, string Name, int NameOffset, IReadOnlyList<SyntaxNode> Arguments) : SyntaxNode(Offset);

/// <summary>A list literal <c>[a, b]</c>.</summary>
internal sealed record ListSyntax(int Offset, IReadOnlyList<SyntaxNode> Items) : SyntaxNode(Offset);

/// <summary><c>!operand</c> or <c>-operand</c>.</summary>
internal sealed record UnarySyntax(int Offset, TokenKind Operator, SyntaxNode Operand) : SyntaxNode(Offset);

/// <summary>A binary operator (comparison, <c>in</c>, arithmetic, <c>&amp;&amp;</c>, <c>||</c>).</summary>
internal sealed record BinarySyntax(int Offset, TokenKind Operator, string OperatorText, int OperatorOffset, SyntaxNode Left, SyntaxNode Right) : SyntaxNode(Offset);

/// <summary><c>condition ? whenTrue : whenFalse</c>.</summary>
internal sealed record ConditionalSyntax(int Offset, int QuestionOffset, SyntaxNode Condition, SyntaxNode WhenTrue, SyntaxNode WhenFalse) : SyntaxNode(Offset);
