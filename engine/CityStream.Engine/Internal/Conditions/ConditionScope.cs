using System.Collections.Frozen;

namespace CityStream.Engine.Internal.Conditions;

/// <summary>What a condition is compiled against: the source schema whose fields it reads, the pack's named lists and macros, and the file errors are reported in.</summary>
internal sealed class ConditionScope
{
    /// <summary>The source whose events the condition reads; bare identifiers name its fields.</summary>
    public required SourceSchema Schema { get; init; }

    /// <summary>Named lists (<c>lists.NAME</c>); values are <see cref="string"/>, <see cref="long"/> or <see cref="double"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<object>> Lists { get; init; } = FrozenDictionary<string, IReadOnlyList<object>>.Empty;

    /// <summary>Named macros: a bare identifier naming one expands to its condition, in parentheses.</summary>
    public IReadOnlyDictionary<string, MacroDefinition> Macros { get; init; } = FrozenDictionary<string, MacroDefinition>.Empty;

    /// <summary>The file errors are reported in.</summary>
    public required string File { get; init; }
}

/// <summary>A named condition of a pack, reusable by name in other conditions.</summary>
/// <param name="Name">The macro's name.</param>
/// <param name="Text">The condition text it expands to.</param>
/// <param name="Line">1-based line where the text starts.</param>
/// <param name="Column">1-based column where the text starts.</param>
internal sealed record MacroDefinition(string Name, string Text, int Line, int Column);
