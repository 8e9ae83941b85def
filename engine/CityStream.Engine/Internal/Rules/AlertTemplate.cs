using System.Text;

namespace CityStream.Engine.Internal.Rules;

/// <summary>A title or message template with <c>{field}</c> placeholders, resolved against the source schema when the pack loads.</summary>
internal sealed class AlertTemplate
{
    /// <summary>Placeholder that stands for the alert's key rather than a field.</summary>
    public const string KeyPlaceholder = "key";

    private readonly (string? Literal, FieldDefinition? Field, string? Extra)[] _parts;

    private AlertTemplate((string?, FieldDefinition?, string?)[] parts, IReadOnlyList<FieldDefinition> fields)
    {
        _parts = parts;
        Fields = fields;
        ExtrasUsed = [.. parts.Where(p => p.Item3 is not null).Select(p => p.Item3!)];
    }

    public IReadOnlyList<FieldDefinition> Fields { get; }

    /// <summary>The kind-specific placeholders (aggregates, window bounds, ...) the template uses.</summary>
    public IReadOnlyList<string> ExtrasUsed { get; }

    /// <summary>Parses a template; unknown fields and unbalanced braces are reported at their column.</summary>
    public static AlertTemplate Parse(string text, SourceSchema schema, IReadOnlyCollection<string> extras, string file, int line, int column, ICollection<RuleError> errors)
    {
        var parts = new List<(string?, FieldDefinition?, string?)>();
        var fields = new List<FieldDefinition>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '{' && i + 1 < text.Length && text[i + 1] == '{')
            {
                literal.Append('{');
                i++;
                continue;
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            var end = text.IndexOf('}', i + 1);
            if (end < 0)
            {
                errors.Add(new RuleError(file, line, column + i, "unclosed '{' in template; write '{{' for a literal brace"));
                return new AlertTemplate([(text, null, null)], []);
            }

            var name = text[(i + 1)..end].Trim();
            if (literal.Length > 0)
            {
                parts.Add((literal.ToString(), null, null));
                literal.Clear();
            }

            if (name == KeyPlaceholder)
            {
                parts.Add((null, null, null));
            }
            else if (extras.Contains(name))
            {
                parts.Add((null, null, name));
            }
            else if (schema.Field(name) is { } field)
            {
                parts.Add((null, field, null));
                if (!fields.Contains(field))
                {
                    fields.Add(field);
                }
            }
            else
            {
                var hint = Suggestions.Nearest(name, schema.Fields.Select(f => f.Name).Concat(extras));
                errors.Add(new RuleError(file, line, column + i + 1,
                    $"unknown field '{name}' in template for source {schema.Name}" + (hint is null ? string.Empty : $"; did you mean '{hint}'?")));
            }

            i = end;
        }

        if (literal.Length > 0)
        {
            parts.Add((literal.ToString(), null, null));
        }

        return new AlertTemplate([.. parts], fields);
    }

    [ThreadStatic]
    private static StringBuilder? t_builder;

    public string Render(CityEvent? evt, string key, IReadOnlyDictionary<string, string>? extras = null)
    {
        if (_parts.Length == 1 && _parts[0].Literal is { } only)
        {
            return only;
        }

        // One builder per thread (sinks render alerts on their own threads): a window rule renders a title per alert.
        var builder = t_builder ??= new StringBuilder(128);
        builder.Clear();
        RenderTo(builder, evt, key, extras);
        return builder.ToString();
    }

    /// <summary>Appends the rendered text to <paramref name="builder"/>.</summary>
    public void RenderTo(StringBuilder builder, CityEvent? evt, string key, IReadOnlyDictionary<string, string>? extras)
    {
        foreach (var (literal, field, extra) in _parts)
        {
            if (literal is not null)
            {
                builder.Append(literal);
            }
            else if (extra is not null)
            {
                if (extras is Runtime.WindowExtras window)
                {
                    window.AppendTo(builder, extra);
                }
                else
                {
                    builder.Append(extras?.GetValueOrDefault(extra) ?? string.Empty);
                }
            }
            else if (field is not null)
            {
                builder.Append(evt is not null && ReferenceEquals(evt.Schema, field.Owner) ? evt.Format(field) : string.Empty);
            }
            else
            {
                builder.Append(key);
            }
        }
    }
}
