using System.Collections.Frozen;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.RegularExpressions;

namespace CityStream.Engine.Internal.Conditions;

/// <summary>Functions (<c>has</c>, <c>duration</c>, <c>timestamp</c>), string methods and <c>in</c>.</summary>
internal sealed partial class Binder
{
    /// <summary>Up to this many items, <c>in</c> compiles to a chain of equality tests; above it, to a frozen-set lookup.</summary>
    private const int MaxInlineListItems = 4;

    private static readonly string[] FunctionNames = ["has", "duration", "timestamp"];
    private static readonly string[] MethodNames = ["startsWith", "endsWith", "contains", "matches"];
    private static readonly MethodInfo StartsWithMethod = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string), typeof(StringComparison)])!;
    private static readonly MethodInfo EndsWithMethod = typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string), typeof(StringComparison)])!;
    private static readonly MethodInfo ContainsMethod = typeof(string).GetMethod(nameof(string.Contains), [typeof(string), typeof(StringComparison)])!;
    private static readonly MethodInfo RegexIsMatchMethod = typeof(SafeRegex).GetMethod(nameof(SafeRegex.IsMatch), [typeof(string)])!;
    private static readonly MethodInfo StringSetContainsMethod = typeof(FrozenSet<string>).GetMethod(nameof(FrozenSet<string>.Contains), [typeof(string)])!;
    private static readonly MethodInfo NumberSetContainsMethod = typeof(FrozenSet<double>).GetMethod(nameof(FrozenSet<double>.Contains), [typeof(double)])!;

    private Operand BindCall(CallSyntax call)
    {
        if (call.Target is not null)
        {
            return BindMethod(call);
        }

        switch (call.Name)
        {
            case "has":
                return BindHas(call);
            case "duration":
            case "timestamp":
                return BindTimeLiteral(call);
            default:
                if (_scope.Macros.ContainsKey(call.Name) || _scope.Schema.Field(call.Name) is not null)
                {
                    return Fail(call.NameOffset, $"'{call.Name}' is not a function; write it without '(...)'");
                }

                return Fail(
                    call.NameOffset,
                    $"unknown function '{call.Name}'; the functions are {string.Join(", ", FunctionNames)}{Suggestions.DidYouMean(call.Name, FunctionNames)}");
        }
    }

    private bool CheckArgumentCount(CallSyntax call, int expected)
    {
        if (call.Arguments.Count == expected)
        {
            return true;
        }

        Report(At(call.NameOffset), $"{call.Name}() takes {expected} argument{(expected == 1 ? string.Empty : "s")} but was given {call.Arguments.Count}");
        return false;
    }

    private Operand BindHas(CallSyntax call)
    {
        if (!CheckArgumentCount(call, 1))
        {
            return Operand.Error(At(call.Offset));
        }

        if (call.Arguments[0] is not IdentifierSyntax name)
        {
            return Fail(call.Arguments[0].Offset, "has() takes a field name, as in has(district)");
        }

        var field = _scope.Schema.Field(name.Name);
        if (field is null)
        {
            return UnknownField(name.Name, name.Offset);
        }

        var read = ReadField(field, At(name.Offset));
        return new Operand(ValueKind.Boolean, At(call.Offset)) { Value = read.Present };
    }

    private Operand BindTimeLiteral(CallSyntax call)
    {
        if (!CheckArgumentCount(call, 1))
        {
            return Operand.Error(At(call.Offset));
        }

        var argument = call.Arguments[0];
        if (argument is not LiteralSyntax { Value: string text })
        {
            var example = call.Name == "duration" ? "duration('15m')" : "timestamp('2026-01-01T00:00:00Z')";
            return Fail(argument.Offset, $"{call.Name}() takes a string literal, as in {example}");
        }

        var position = At(call.Offset);
        if (call.Name == "duration")
        {
            return Durations.TryParse(text, out var span)
                ? new Operand(ValueKind.Duration, position) { Value = Expression.Constant(span.TotalMilliseconds) }
                : Fail(argument.Offset, $"'{text}' is not a duration (expected e.g. 500ms, 30s, 15m, 2h, 7d, 1h30m)");
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? new Operand(ValueKind.Timestamp, position) { Value = Expression.Constant((double)time.ToUnixTimeMilliseconds()) }
            : Fail(argument.Offset, $"'{text}' is not a timestamp (expected RFC 3339, e.g. 2026-01-01T00:00:00Z)");
    }

    private Operand BindMethod(CallSyntax call)
    {
        var target = Bind(call.Target!);
        var arguments = new List<Operand>(call.Arguments.Count);
        foreach (var node in call.Arguments)
        {
            arguments.Add(Bind(node));
        }

        if (Array.IndexOf(MethodNames, call.Name) < 0)
        {
            return Fail(
                call.NameOffset,
                $"unknown method '{call.Name}'; the string methods are {string.Join(", ", MethodNames)}{Suggestions.DidYouMean(call.Name, MethodNames)}");
        }

        if (target.IsError || arguments.Exists(a => a.IsError) || !CheckArgumentCount(call, 1))
        {
            return Operand.Error(At(call.Offset));
        }

        if (target.Kind != ValueKind.String)
        {
            return Fail(call.NameOffset, $"{call.Name}() needs a string but {target.Describe()} is {target.Kind.Describe()}");
        }

        var argument = arguments[0];
        if (argument.Kind != ValueKind.String)
        {
            return Fail(argument.Position, $"{call.Name}() takes a string but was given {argument.Describe()}");
        }

        Expression test;
        var present = target.Present;
        if (call.Name == "matches")
        {
            if (argument.ConstantValue is not string pattern)
            {
                return Fail(argument.Position, "matches() takes a string literal pattern, as in matches('^G04')");
            }

            var regex = CompileRegex(pattern, argument.Position);
            if (regex is null)
            {
                return Operand.Error(argument.Position);
            }

            test = Expression.Call(Expression.Constant(regex), RegexIsMatchMethod, target.Value!);
        }
        else
        {
            var method = call.Name switch
            {
                "startsWith" => StartsWithMethod,
                "endsWith" => EndsWithMethod,
                _ => ContainsMethod,
            };
            test = Expression.Call(target.Value!, method, argument.Value!, Expression.Constant(StringComparison.Ordinal));
            present = Operand.BothPresent(present, argument.Present);
        }

        return new Operand(ValueKind.Boolean, At(call.Offset)) { Value = Operand.Guarded(present, test) };
    }

    private SafeRegex? CompileRegex(string pattern, SourcePosition position)
    {
        try
        {
            return new SafeRegex(new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, SafeRegex.MatchTimeout));
        }
        catch (ArgumentException e)
        {
            Report(position, $"invalid regular expression '{pattern}': {e.Message}");
            return null;
        }
    }

    private Operand BindInList(SyntaxNode node) => node switch
    {
        MemberSyntax { Target: IdentifierSyntax { Name: "lists" } } member when _scope.Schema.Field("lists") is null => BindNamedList(member),
        ListSyntax list => BindList(list),
        _ => Fail(node.Offset, "expected a list after 'in': lists.NAME or [a, b, ...]"),
    };

    private Operand BindIn(Operand left, Operand list, SourcePosition position)
    {
        var items = list.Items!;
        var failed = false;
        foreach (var item in items)
        {
            if (item.Kind == ValueKind.Null)
            {
                Report(item.Position, "a list cannot hold null; test presence with 'x != null' or has(x)");
                failed = true;
                continue;
            }

            failed |= !CheckComparable(TokenKind.EqualEqual, "in", left, item, item.Position) || !CheckEnumValue(left, item, list.ListName);
        }

        if (failed)
        {
            return Operand.Error(position);
        }

        var test = items.Count > MaxInlineListItems && AllConstant(items) && left.Kind is ValueKind.String or ValueKind.Number or ValueKind.Integer
            ? SetLookup(left, items)
            : EqualityChain(left, items);
        return new Operand(ValueKind.Boolean, position) { Value = Operand.Guarded(left.Present, test) };
    }

    private static bool AllConstant(IReadOnlyList<Operand> items)
    {
        foreach (var item in items)
        {
            if (!item.IsConstant)
            {
                return false;
            }
        }

        return true;
    }

    private static MethodCallExpression SetLookup(Operand left, IReadOnlyList<Operand> items)
    {
        if (left.Kind == ValueKind.String)
        {
            var strings = new List<string>(items.Count);
            foreach (var item in items)
            {
                strings.Add((string)item.ConstantValue!);
            }

            return Expression.Call(Expression.Constant(strings.ToFrozenSet(StringComparer.Ordinal)), StringSetContainsMethod, left.Value!);
        }

        var numbers = new List<double>(items.Count);
        foreach (var item in items)
        {
            numbers.Add(Convert.ToDouble(item.ConstantValue, CultureInfo.InvariantCulture));
        }

        return Expression.Call(Expression.Constant(numbers.ToFrozenSet()), NumberSetContainsMethod, left.Value!);
    }

    private static Expression EqualityChain(Operand left, IReadOnlyList<Operand> items)
    {
        Expression chain = Expression.Constant(false);
        for (var i = items.Count - 1; i >= 0; i--)
        {
            var item = items[i];
            var equal = Operand.Guarded(item.Present, RawComparison(TokenKind.EqualEqual, left.Value!, item.Value!, left.Kind));
            chain = i == items.Count - 1 ? equal : Expression.OrElse(equal, chain);
        }

        return chain;
    }
}
