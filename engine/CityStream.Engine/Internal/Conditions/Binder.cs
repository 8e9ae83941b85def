using System.Linq.Expressions;
using System.Reflection;

namespace CityStream.Engine.Internal.Conditions;

/// <summary>
/// Type-checks parsed conditions against a <see cref="ConditionScope"/> and turns them into expression trees over a
/// <see cref="CityEvent"/> parameter. Reports every error it can (a failed subexpression becomes an
/// <see cref="ValueKind.Error"/> operand that reports nothing more) and expands macros in place.
/// </summary>
internal sealed partial class Binder
{
    private static readonly MethodInfo HasMethod = typeof(CityEvent).GetMethod(nameof(CityEvent.Has), [typeof(int)])!;
    private static readonly MethodInfo GetNumberMethod = typeof(CityEvent).GetMethod(nameof(CityEvent.GetNumber), [typeof(int)])!;
    private static readonly MethodInfo GetStringMethod = typeof(CityEvent).GetMethod(nameof(CityEvent.GetString), [typeof(int)])!;
    private static readonly MethodInfo GetBooleanMethod = typeof(CityEvent).GetMethod(nameof(CityEvent.GetBoolean), [typeof(int)])!;

    private readonly ConditionScope _scope;
    private readonly List<RuleError> _errors = [];
    private readonly List<FieldDefinition> _fieldsRead = [];
    private readonly List<string> _macroStack = [];
    private SourcePosition _origin;

    public Binder(ConditionScope scope, SourcePosition origin)
    {
        _scope = scope;
        _origin = origin;
        Event = Expression.Parameter(typeof(CityEvent), "e");
    }

    /// <summary>The event parameter the bound expressions read.</summary>
    public ParameterExpression Event { get; }

    public IReadOnlyList<RuleError> Errors => _errors;

    public IReadOnlyList<FieldDefinition> FieldsRead => _fieldsRead;

    /// <summary>Parses and binds text starting at the binder's origin; a syntax error is reported and gives an error operand.</summary>
    public Operand BindText(string text)
    {
        SyntaxNode root;
        try
        {
            root = Parser.Parse(text);
        }
        catch (ConditionSyntaxException e)
        {
            return Fail(e.Offset, e.Message);
        }

        return Bind(root);
    }

    public SourcePosition At(int offset) => new(_origin.Line, _origin.Column + offset);

    public void Report(SourcePosition position, string message) => _errors.Add(new RuleError(_scope.File, position.Line, position.Column, message));

    private Operand Fail(int offset, string message) => Fail(At(offset), message);

    private Operand Fail(SourcePosition position, string message)
    {
        Report(position, message);
        return Operand.Error(position);
    }

    private Operand Bind(SyntaxNode node) => node switch
    {
        LiteralSyntax literal => Operand.Constant(literal.Value, At(literal.Offset)),
        IdentifierSyntax identifier => BindIdentifier(identifier),
        MemberSyntax member => BindMember(member),
        CallSyntax call => BindCall(call),
        ListSyntax list => BindList(list),
        UnarySyntax unary => BindUnary(unary),
        BinarySyntax binary => BindBinary(binary),
        ConditionalSyntax conditional => BindConditional(conditional),
        _ => Fail(node.Offset, "unsupported expression"),
    };

    private Operand BindIdentifier(IdentifierSyntax identifier)
    {
        var field = _scope.Schema.Field(identifier.Name);
        if (field is not null)
        {
            return ReadField(field, At(identifier.Offset));
        }

        if (_scope.Macros.TryGetValue(identifier.Name, out var macro))
        {
            return ExpandMacro(macro, identifier.Offset);
        }

        if (identifier.Name == "lists")
        {
            return Fail(identifier.Offset, "'lists' needs a list name, as in 'x in lists.NAME'");
        }

        return UnknownField(identifier.Name, identifier.Offset);
    }

    private Operand UnknownField(string name, int offset)
    {
        var candidates = new List<string>(_scope.Schema.Fields.Count + _scope.Macros.Count);
        foreach (var f in _scope.Schema.Fields)
        {
            candidates.Add(f.Name);
        }

        candidates.AddRange(_scope.Macros.Keys);
        return Fail(offset, $"unknown field '{name}' of source {_scope.Schema.Name}{Suggestions.DidYouMean(name, candidates)}");
    }

    private Operand ReadField(FieldDefinition field, SourcePosition position)
    {
        if (!_fieldsRead.Contains(field))
        {
            _fieldsRead.Add(field);
        }

        var index = Expression.Constant(field.Index);
        var kind = ValueKinds.FromField(field.Type);
        var getter = kind switch
        {
            ValueKind.String => GetStringMethod,
            ValueKind.Boolean => GetBooleanMethod,
            _ => GetNumberMethod,
        };
        return new Operand(kind, position)
        {
            Value = Expression.Call(Event, getter, index),
            Present = Expression.Call(Event, HasMethod, index),
            Field = field,
        };
    }

    private Operand ExpandMacro(MacroDefinition macro, int offset)
    {
        if (_macroStack.Contains(macro.Name))
        {
            return Fail(offset, $"macro '{macro.Name}' is recursive: {string.Join(" -> ", _macroStack)} -> {macro.Name}");
        }

        _macroStack.Add(macro.Name);
        var outer = _origin;
        _origin = new SourcePosition(macro.Line, macro.Column);
        var expanded = BindText(macro.Text);
        _origin = outer;
        _macroStack.RemoveAt(_macroStack.Count - 1);
        return expanded.IsError ? Operand.Error(At(offset)) : expanded with { Position = At(offset) };
    }

    private Operand BindMember(MemberSyntax member)
    {
        if (member.Target is IdentifierSyntax { Name: "lists" } && _scope.Schema.Field("lists") is null)
        {
            var list = BindNamedList(member);
            return list.IsError
                ? list
                : Fail(member.Offset, $"list '{member.Name}' can only be used on the right of 'in', as in 'x in lists.{member.Name}'");
        }

        return Fail(member.NameOffset, $"unexpected '.{member.Name}': only lists.NAME and the string methods (startsWith, endsWith, contains, matches) use '.'");
    }

    private Operand BindNamedList(MemberSyntax member)
    {
        if (!_scope.Lists.TryGetValue(member.Name, out var values))
        {
            var known = _scope.Lists.Count == 0 ? "; the pack defines no lists" : Suggestions.DidYouMean(member.Name, _scope.Lists.Keys);
            return Fail(member.NameOffset, $"unknown list '{member.Name}'{known}");
        }

        var position = At(member.Offset);
        var items = new List<Operand>(values.Count);
        foreach (var value in values)
        {
            if (value is not (string or long or int or double))
            {
                return Fail(position, $"list '{member.Name}' holds {value?.GetType().Name ?? "null"}; lists may hold only strings and numbers");
            }

            items.Add(Operand.Constant(value, position));
        }

        return new Operand(ValueKind.List, position) { Items = items, ListName = member.Name };
    }

    private Operand BindList(ListSyntax list)
    {
        var items = new List<Operand>(list.Items.Count);
        var failed = false;
        foreach (var item in list.Items)
        {
            var bound = Bind(item);
            failed |= bound.IsError;
            if (bound.Kind == ValueKind.List)
            {
                failed = true;
                Report(bound.Position, "lists cannot be nested");
            }

            items.Add(bound);
        }

        return failed ? Operand.Error(At(list.Offset)) : new Operand(ValueKind.List, At(list.Offset)) { Items = items };
    }
}
