using System.Linq.Expressions;
using System.Reflection;

namespace CityStream.Engine.Internal.Conditions;

/// <summary>Logical, comparison, arithmetic and conditional operators.</summary>
internal sealed partial class Binder
{
    private static readonly MethodInfo StringEqualsMethod = typeof(string).GetMethod(nameof(string.Equals), [typeof(string), typeof(string)])!;
    private static readonly MethodInfo CompareOrdinalMethod = typeof(string).GetMethod(nameof(string.CompareOrdinal), [typeof(string), typeof(string)])!;
    private static readonly MethodInfo ConcatMethod = typeof(string).GetMethod(nameof(string.Concat), [typeof(string), typeof(string)])!;

    private Operand BindUnary(UnarySyntax unary)
    {
        var operand = Bind(unary.Operand);
        if (operand.IsError)
        {
            return operand;
        }

        var position = At(unary.Offset);
        if (unary.Operator == TokenKind.Not)
        {
            return operand.Kind == ValueKind.Boolean
                ? new Operand(ValueKind.Boolean, position) { Value = Expression.Not(operand.AsCondition()) }
                : Fail(position, $"operator '!' needs a boolean but {operand.Describe()} is {operand.Kind.Describe()}");
        }

        if (operand.IsConstant && operand.ConstantValue is long l)
        {
            return Operand.Constant(-l, position);
        }

        if (operand.IsConstant && operand.ConstantValue is double d)
        {
            return Operand.Constant(-d, position);
        }

        return operand.Kind is ValueKind.Number or ValueKind.Integer or ValueKind.Duration
            ? new Operand(operand.Kind, position) { Value = Expression.Negate(operand.Value!), Present = operand.Present }
            : Fail(position, $"operator '-' cannot be applied to {operand.Kind.Describe()}");
    }

    private Operand BindBinary(BinarySyntax binary)
    {
        var left = Bind(binary.Left);
        var right = binary.Operator == TokenKind.In ? BindInList(binary.Right) : Bind(binary.Right);
        if (left.IsError || right.IsError)
        {
            return Operand.Error(At(binary.Offset));
        }

        var position = At(binary.OperatorOffset);
        if (left.Kind == ValueKind.List || (right.Kind == ValueKind.List && binary.Operator != TokenKind.In))
        {
            return Fail(position, $"operator '{binary.OperatorText}' cannot be applied to a list; lists go on the right of 'in'");
        }

        return binary.Operator switch
        {
            TokenKind.AndAnd or TokenKind.OrOr => BindLogical(binary, left, right, position),
            TokenKind.In => BindIn(left, right, position),
            TokenKind.EqualEqual or TokenKind.NotEqual or TokenKind.Less or TokenKind.LessEqual or TokenKind.Greater or TokenKind.GreaterEqual =>
                BindComparison(binary.Operator, binary.OperatorText, left, right, position),
            _ => BindArithmetic(binary.Operator, binary.OperatorText, left, right, position),
        };
    }

    private Operand BindLogical(BinarySyntax binary, Operand left, Operand right, SourcePosition position)
    {
        foreach (var side in (ReadOnlySpan<Operand>)[left, right])
        {
            if (side.Kind != ValueKind.Boolean)
            {
                return Fail(side.Position, $"operator '{binary.OperatorText}' needs booleans but {side.Describe()} is {side.Kind.Describe()}");
            }
        }

        var value = binary.Operator == TokenKind.AndAnd
            ? Expression.AndAlso(left.AsCondition(), right.AsCondition())
            : Expression.OrElse(left.AsCondition(), right.AsCondition());
        return new Operand(ValueKind.Boolean, position) { Value = value };
    }

    private Operand BindComparison(TokenKind op, string opText, Operand left, Operand right, SourcePosition position)
    {
        if (left.Kind == ValueKind.Null || right.Kind == ValueKind.Null)
        {
            return BindNullComparison(op, opText, left, right, position);
        }

        if (!CheckComparable(op, opText, left, right, position) || !CheckEnumValue(left, right) || !CheckEnumValue(right, left))
        {
            return Operand.Error(position);
        }

        var test = RawComparison(op, left.Value!, right.Value!, left.Kind);
        return new Operand(ValueKind.Boolean, position) { Value = Operand.Guarded(Operand.BothPresent(left.Present, right.Present), test) };
    }

    private Operand BindNullComparison(TokenKind op, string opText, Operand left, Operand right, SourcePosition position)
    {
        if (op is not (TokenKind.EqualEqual or TokenKind.NotEqual))
        {
            return Fail(position, $"operator '{opText}' cannot compare with null; only '==' and '!=' can");
        }

        var other = left.Kind == ValueKind.Null ? right : left;
        Expression present = other.Kind == ValueKind.Null ? Expression.Constant(false) : other.Present ?? Expression.Constant(true);
        var value = op == TokenKind.EqualEqual ? Expression.Not(present) : present;
        return new Operand(ValueKind.Boolean, position) { Value = value };
    }

    private bool CheckComparable(TokenKind op, string opText, Operand left, Operand right, SourcePosition position)
    {
        var sameFamily = left.Kind == right.Kind || (left.Kind.IsNumeric() && right.Kind.IsNumeric());
        if (!sameFamily)
        {
            var hint = left.Kind == ValueKind.Timestamp || right.Kind == ValueKind.Timestamp
                ? " (write times as timestamp('2026-01-01T00:00:00Z') and spans as duration('15m'))"
                : left.Kind == ValueKind.Duration || right.Kind == ValueKind.Duration ? " (write spans as duration('15m'))" : string.Empty;
            Report(position, $"cannot compare {left.Describe()} with {right.Describe()}{hint}");
            return false;
        }

        if (left.Kind == ValueKind.Boolean && op is not (TokenKind.EqualEqual or TokenKind.NotEqual))
        {
            Report(position, $"operator '{opText}' cannot order booleans; only '==' and '!=' compare them");
            return false;
        }

        return true;
    }

    /// <summary>A string compared with a field that has an enum must be one of its values.</summary>
    private bool CheckEnumValue(Operand fieldSide, Operand valueSide, string? listName = null)
    {
        if (fieldSide.Field?.Enum is not { } allowed || valueSide.ConstantValue is not string value)
        {
            return true;
        }

        foreach (var a in allowed)
        {
            if (string.Equals(a, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        var where = listName is null ? string.Empty : $" (in list '{listName}')";
        Report(
            valueSide.Position,
            $"'{value}'{where} is not an allowed value of {fieldSide.Field.Name}; allowed: {string.Join(", ", allowed)}{Suggestions.DidYouMean(value, allowed)}");
        return false;
    }

    private static Expression RawComparison(TokenKind op, Expression left, Expression right, ValueKind kind)
    {
        if (kind == ValueKind.String)
        {
            if (op is TokenKind.EqualEqual or TokenKind.NotEqual)
            {
                Expression equal = Expression.Call(StringEqualsMethod, left, right);
                return op == TokenKind.EqualEqual ? equal : Expression.Not(equal);
            }

            left = Expression.Call(CompareOrdinalMethod, left, right);
            right = Expression.Constant(0);
        }

        return op switch
        {
            TokenKind.EqualEqual => Expression.Equal(left, right),
            TokenKind.NotEqual => Expression.NotEqual(left, right),
            TokenKind.Less => Expression.LessThan(left, right),
            TokenKind.LessEqual => Expression.LessThanOrEqual(left, right),
            TokenKind.Greater => Expression.GreaterThan(left, right),
            _ => Expression.GreaterThanOrEqual(left, right),
        };
    }

    private Operand BindArithmetic(TokenKind op, string opText, Operand left, Operand right, SourcePosition position)
    {
        var kind = ArithmeticResult(op, left.Kind, right.Kind);
        if (kind is null)
        {
            return Fail(position, $"operator '{opText}' cannot be applied to {left.Kind.Describe()} and {right.Kind.Describe()}");
        }

        var present = Operand.BothPresent(left.Present, right.Present);
        if (kind == ValueKind.String)
        {
            return new Operand(ValueKind.String, position) { Value = Expression.Call(ConcatMethod, left.Value!, right.Value!), Present = present };
        }

        Expression value = op switch
        {
            TokenKind.Plus => Expression.Add(left.Value!, right.Value!),
            TokenKind.Minus => Expression.Subtract(left.Value!, right.Value!),
            TokenKind.Star => Expression.Multiply(left.Value!, right.Value!),
            TokenKind.Slash => Expression.Divide(left.Value!, right.Value!),
            _ => Expression.Modulo(left.Value!, right.Value!),
        };
        return new Operand(kind.Value, position) { Value = value, Present = present };
    }

    /// <summary>The type of an arithmetic result, or null when the operator does not apply. '/' always divides as numbers.</summary>
    private static ValueKind? ArithmeticResult(TokenKind op, ValueKind left, ValueKind right) => (op, left, right) switch
    {
        (TokenKind.Slash, ValueKind.Duration, ValueKind.Duration) => ValueKind.Number,
        (TokenKind.Slash, _, _) when left.IsNumeric() && right.IsNumeric() => ValueKind.Number,
        (_, ValueKind.Integer, ValueKind.Integer) => ValueKind.Integer,
        _ when left.IsNumeric() && right.IsNumeric() => ValueKind.Number,
        (TokenKind.Plus, ValueKind.String, ValueKind.String) => ValueKind.String,
        (TokenKind.Plus or TokenKind.Minus, ValueKind.Timestamp, ValueKind.Duration) => ValueKind.Timestamp,
        (TokenKind.Plus, ValueKind.Duration, ValueKind.Timestamp) => ValueKind.Timestamp,
        (TokenKind.Minus, ValueKind.Timestamp, ValueKind.Timestamp) => ValueKind.Duration,
        (TokenKind.Plus or TokenKind.Minus, ValueKind.Duration, ValueKind.Duration) => ValueKind.Duration,
        (TokenKind.Star, ValueKind.Duration, _) when right.IsNumeric() => ValueKind.Duration,
        (TokenKind.Star, _, ValueKind.Duration) when left.IsNumeric() => ValueKind.Duration,
        (TokenKind.Slash, ValueKind.Duration, _) when right.IsNumeric() => ValueKind.Duration,
        _ => null,
    };

    private Operand BindConditional(ConditionalSyntax conditional)
    {
        var condition = Bind(conditional.Condition);
        var whenTrue = Bind(conditional.WhenTrue);
        var whenFalse = Bind(conditional.WhenFalse);
        var position = At(conditional.QuestionOffset);
        if (condition.IsError || whenTrue.IsError || whenFalse.IsError)
        {
            return Operand.Error(position);
        }

        if (condition.Kind != ValueKind.Boolean)
        {
            return Fail(condition.Position, $"the condition of '?:' must be a boolean but {condition.Describe()} is {condition.Kind.Describe()}");
        }

        var kind = UnifyBranches(whenTrue.Kind, whenFalse.Kind);
        if (kind is null)
        {
            return Fail(position, $"the branches of '?:' have different types: {whenTrue.Kind.Describe()} and {whenFalse.Kind.Describe()}");
        }

        var test = condition.AsCondition();
        if (kind == ValueKind.Null)
        {
            return new Operand(ValueKind.Null, position);
        }

        if (kind == ValueKind.Boolean)
        {
            return new Operand(ValueKind.Boolean, position) { Value = Expression.Condition(test, BranchCondition(whenTrue), BranchCondition(whenFalse)) };
        }

        var present = BranchPresent(whenTrue) is ConstantExpression { Value: true } && BranchPresent(whenFalse) is ConstantExpression { Value: true }
            ? null
            : Expression.Condition(test, BranchPresent(whenTrue), BranchPresent(whenFalse));
        var clrType = kind.Value.ClrType();
        var value = Expression.Condition(test, whenTrue.Value ?? Expression.Default(clrType), whenFalse.Value ?? Expression.Default(clrType));
        return new Operand(kind.Value, position) { Value = value, Present = present };
    }

    private static Expression BranchCondition(Operand branch) => branch.Kind == ValueKind.Null ? Expression.Constant(false) : branch.AsCondition();

    private static Expression BranchPresent(Operand branch) =>
        branch.Kind == ValueKind.Null ? Expression.Constant(false) : branch.Present ?? Expression.Constant(true);

    private static ValueKind? UnifyBranches(ValueKind a, ValueKind b) => (a, b) switch
    {
        (ValueKind.List, _) or (_, ValueKind.List) => null,
        _ when a == b => a,
        _ when a.IsNumeric() && b.IsNumeric() => ValueKind.Number,
        (ValueKind.Null, _) => b,
        (_, ValueKind.Null) => a,
        _ => null,
    };
}
