using System.Linq.Expressions;
using System.Reflection;

namespace CityStream.Engine.Internal.Conditions;

/// <summary>
/// The string fields whose values a compiled condition reads (bit = field index): the <see cref="CityEvent.GetString"/> calls in its
/// expression tree. <c>has(field)</c> reads none, so a field a condition only tests for presence is not among them.
/// </summary>
internal sealed class StringReads : ExpressionVisitor
{
    private static readonly MethodInfo GetStringMethod = typeof(CityEvent).GetMethod(nameof(CityEvent.GetString), [typeof(int)])!;

    private ulong _mask;

    public static ulong Of(Expression expression)
    {
        var reads = new StringReads();
        reads.Visit(expression);
        return reads._mask;
    }

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        if (node.Method == GetStringMethod && node.Arguments[0] is ConstantExpression { Value: int index })
        {
            _mask |= 1UL << index;
        }

        return base.VisitMethodCall(node);
    }
}
