using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine;

/// <summary>A loaded, compiled rule pack (one YAML file of <c>rules/</c>).</summary>
public sealed class RulePack
{
    internal RulePack(string name, string file, string? description, IReadOnlyList<CompiledRule> rules)
    {
        Name = name;
        File = file;
        Description = description;
        Rules = rules;
    }

    /// <summary>The pack's name; its alerts go to <c>warnings.&lt;name&gt;</c>.</summary>
    public string Name { get; }

    /// <summary>The file it was loaded from.</summary>
    public string File { get; }

    /// <summary>What the pack is for.</summary>
    public string? Description { get; }

    /// <summary>Ids of the enabled rules.</summary>
    public IEnumerable<string> RuleIds => Rules.Select(r => r.Id);

    internal IReadOnlyList<CompiledRule> Rules { get; }
}
