using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CityStream.Engine.Internal.Rules;

/// <summary>Reads typed values out of YamlDotNet's node model, reporting every problem with its file:line:col.</summary>
internal sealed class YamlNodes(string file, ICollection<RuleError> errors)
{
    public string File { get; } = file;

    public ICollection<RuleError> Errors { get; } = errors;

    public void Error(YamlNode node, string message) => Errors.Add(new RuleError(File, (int)node.Start.Line, (int)node.Start.Column, message));

    public void Error(Mark mark, string message) => Errors.Add(new RuleError(File, (int)mark.Line, (int)mark.Column, message));

    /// <summary>Line and column where a scalar's text starts (after an opening quote).</summary>
    public static (int Line, int Column) TextStart(YamlScalarNode node)
    {
        var quoted = node.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;
        return ((int)node.Start.Line, (int)node.Start.Column + (quoted ? 1 : 0));
    }

    public YamlMappingNode? Mapping(YamlNode? node, string what)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        if (node is not null)
        {
            Error(node, $"{what} must be a mapping");
        }

        return null;
    }

    public YamlScalarNode? Scalar(YamlNode? node, string what)
    {
        if (node is YamlScalarNode scalar)
        {
            return scalar;
        }

        if (node is not null)
        {
            Error(node, $"{what} must be a single value");
        }

        return null;
    }

    public string? String(YamlNode? node, string what) => Scalar(node, what)?.Value;

    public bool? Bool(YamlNode? node, string what)
    {
        var scalar = Scalar(node, what);
        if (scalar is null)
        {
            return null;
        }

        if (bool.TryParse(scalar.Value, out var value))
        {
            return value;
        }

        Error(scalar, $"{what} must be true or false, not '{scalar.Value}'");
        return null;
    }

    public int? Int(YamlNode? node, string what, int min)
    {
        var scalar = Scalar(node, what);
        if (scalar is null)
        {
            return null;
        }

        if (int.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min)
        {
            return value;
        }

        Error(scalar, $"{what} must be a whole number ≥ {min}, not '{scalar.Value}'");
        return null;
    }

    public double? Number(YamlNode? node, string what)
    {
        var scalar = Scalar(node, what);
        if (scalar is null)
        {
            return null;
        }

        if (double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(scalar, $"{what} must be a number, not '{scalar.Value}'");
        return null;
    }

    public TimeSpan? Duration(YamlNode? node, string what)
    {
        var scalar = Scalar(node, what);
        if (scalar is null)
        {
            return null;
        }

        if (Durations.TryParse(scalar.Value, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }

        Error(scalar, $"{what}: '{scalar.Value}' is not a duration (expected e.g. 30s, 15m, 2h, 7d)");
        return null;
    }

    /// <summary>A scalar or a sequence of scalars, as a list.</summary>
    public List<YamlScalarNode> ScalarList(YamlNode? node, string what)
    {
        var list = new List<YamlScalarNode>();
        switch (node)
        {
            case null:
                break;
            case YamlScalarNode scalar:
                list.Add(scalar);
                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence)
                {
                    if (Scalar(item, what) is { } s)
                    {
                        list.Add(s);
                    }
                }

                break;
            default:
                Error(node, $"{what} must be a value or a list of values");
                break;
        }

        return list;
    }

    /// <summary>Reports keys of a mapping that are not among the allowed ones, with the nearest allowed key.</summary>
    public void CheckKeys(YamlMappingNode mapping, string what, IReadOnlyList<string> allowed)
    {
        foreach (var key in mapping.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (!allowed.Contains(name))
            {
                var hint = Suggestions.Nearest(name, allowed);
                Error(key, hint is null
                    ? $"unknown key '{name}' in {what}; expected one of: {string.Join(", ", allowed)}"
                    : $"unknown key '{name}' in {what}; did you mean '{hint}'?");
            }
        }
    }

    public static YamlNode? Get(YamlMappingNode? mapping, string key)
    {
        if (mapping is null)
        {
            return null;
        }

        return mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }
}
