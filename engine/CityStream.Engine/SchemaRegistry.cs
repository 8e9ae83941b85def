using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;

namespace CityStream.Engine;

/// <summary>The source schemas the engine knows, read from the JSON Schemas in <c>schemas/</c> (embedded in this assembly).</summary>
public sealed class SchemaRegistry
{
    private static readonly Lazy<SchemaRegistry> LazyDefault = new(LoadEmbedded);
    private readonly FrozenDictionary<string, SourceSchema> _byName;
    private readonly FrozenDictionary<string, SourceSchema> _byTopic;

    /// <summary>Builds a registry from source schemas.</summary>
    public SchemaRegistry(IEnumerable<SourceSchema> sources)
    {
        Sources = [.. sources];
        _byName = Sources.ToFrozenDictionary(s => s.Name, StringComparer.Ordinal);
        _byTopic = Sources.ToFrozenDictionary(s => s.Topic, StringComparer.Ordinal);
    }

    /// <summary>The schemas shipped in <c>schemas/</c>.</summary>
    public static SchemaRegistry Default => LazyDefault.Value;

    /// <summary>All sources.</summary>
    public IReadOnlyList<SourceSchema> Sources { get; }

    /// <summary>The source of that name (e.g. <c>hotline</c>), or null.</summary>
    public SourceSchema? BySource(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The source read from that topic, or null.</summary>
    public SourceSchema? ByTopic(string topic) => _byTopic.GetValueOrDefault(topic);

    /// <summary>The source read from a topic that carries a deployment prefix (e.g. <c>test42.city.hotline</c> with prefix <c>test42.</c>), or null.</summary>
    public SourceSchema? ByTopic(string topic, string? topicPrefix)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!string.IsNullOrEmpty(topicPrefix) && topic.StartsWith(topicPrefix, StringComparison.Ordinal))
        {
            topic = topic[topicPrefix.Length..];
        }

        return _byTopic.GetValueOrDefault(topic);
    }

    /// <summary>Reads one source schema from JSON Schema text (a schema with an <c>x-citystream-source</c> block).</summary>
    public static SourceSchema Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var meta = root.GetProperty("x-citystream-source");
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (root.TryGetProperty("required", out var req))
        {
            foreach (var r in req.EnumerateArray())
            {
                required.Add(r.GetString()!);
            }
        }

        var fields = new List<FieldDefinition>();
        foreach (var prop in root.GetProperty("properties").EnumerateObject())
        {
            var p = prop.Value;
            var jsonType = p.GetProperty("type").GetString();
            var type = jsonType switch
            {
                "string" => FieldType.String,
                "number" => FieldType.Number,
                "boolean" => FieldType.Boolean,
                "integer" when p.TryGetProperty("x-citystream-time", out var t) && t.GetBoolean() => FieldType.Timestamp,
                "integer" => FieldType.Integer,
                _ => throw new FormatException($"field '{prop.Name}': type '{jsonType}' is not supported in a source schema"),
            };
            var description = p.TryGetProperty("description", out var d) ? d.GetString() ?? string.Empty : string.Empty;
            var field = new FieldDefinition(prop.Name, fields.Count, type, description) { Required = required.Contains(prop.Name) };
            if (p.TryGetProperty("enum", out var e))
            {
                field.Enum = [.. e.EnumerateArray().Select(x => x.GetString()!)];
            }

            if (p.TryGetProperty("minimum", out var min))
            {
                field.Minimum = min.GetDouble();
            }

            if (p.TryGetProperty("maximum", out var max))
            {
                field.Maximum = max.GetDouble();
            }

            if (p.TryGetProperty("minLength", out var minLen))
            {
                field.MinLength = minLen.GetInt32();
            }

            if (p.TryGetProperty("maxLength", out var maxLen))
            {
                field.MaxLength = maxLen.GetInt32();
            }

            fields.Add(field);
        }

        return new SourceSchema(
            meta.GetProperty("name").GetString()!,
            meta.GetProperty("topic").GetString()!,
            meta.GetProperty("key").GetString()!,
            Durations.Parse(meta.GetProperty("allowed_lateness").GetString()!),
            root.TryGetProperty("title", out var title) ? title.GetString() ?? string.Empty : string.Empty,
            fields);
    }

    private static SchemaRegistry LoadEmbedded()
    {
        var assembly = typeof(SchemaRegistry).Assembly;
        var sources = new List<SourceSchema>();
        foreach (var name in assembly.GetManifestResourceNames().Order(StringComparer.Ordinal))
        {
            if (!name.StartsWith("schemas/", StringComparison.Ordinal) || !name.EndsWith(".schema.json", StringComparison.Ordinal))
            {
                continue;
            }

            var text = ReadResource(assembly, name);
            using var probe = JsonDocument.Parse(text);
            if (probe.RootElement.TryGetProperty("x-citystream-source", out _))
            {
                sources.Add(Parse(text));
            }
        }

        return new SchemaRegistry(sources);
    }

    /// <summary>The text of an embedded schema file (e.g. <c>alert.schema.json</c>).</summary>
    public static string ReadEmbeddedSchema(string fileName) => ReadResource(typeof(SchemaRegistry).Assembly, "schemas/" + fileName);

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new FileNotFoundException($"embedded resource '{name}' not found");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
