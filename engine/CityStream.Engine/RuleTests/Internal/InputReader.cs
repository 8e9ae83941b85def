using System.Buffers;
using System.Globalization;
using System.Text.Json;
using CityStream.Engine.Internal.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CityStream.Engine.RuleTests.Internal;

/// <summary>
/// Reads the input items of a test. An event's fields are checked against its source schema (unknown fields
/// are errors in the test file) and written as the JSON record a producer would send; values are written
/// as the schema's type, so a value of the wrong type reaches the real decoder and is dead-lettered there.
/// </summary>
internal sealed class InputReader(YamlNodes nodes, SchemaRegistry schemas)
{
    private static readonly string[] EventKeys = ["at", "source", "event", "partition"];

    public InputItem? Read(YamlMappingNode item, long startMs, int position)
    {
        var line = (int)item.Start.Line;
        if (YamlNodes.Get(item, "restart") is { } restartNode)
        {
            nodes.CheckKeys(item, "a restart item", ["restart"]);
            if (nodes.Bool(restartNode, "restart") is not true)
            {
                nodes.Error(restartNode, "write 'restart: true' to restart the host here, or remove the item");
                return null;
            }

            return new RestartInput(line);
        }

        if (YamlNodes.Get(item, "advance_to") is { } advanceNode && YamlNodes.Get(item, "source") is null)
        {
            nodes.CheckKeys(item, "an advance item", ["advance_to"]);
            return Time(nodes, advanceNode, startMs, "advance_to") is { } to ? new AdvanceInput(line, to) : null;
        }

        nodes.CheckKeys(item, "an input event", EventKeys);
        var sourceNode = YamlNodes.Get(item, "source");
        var sourceName = nodes.String(sourceNode, "source");
        var atNode = YamlNodes.Get(item, "at");
        if (sourceName is null || atNode is null)
        {
            nodes.Error(item, "an input event needs 'at' and 'source' (and 'event'), or is { advance_to: +1h } or { restart: true }");
            return null;
        }

        var source = schemas.BySource(sourceName);
        if (source is null)
        {
            var names = schemas.Sources.Select(s => s.Name).ToList();
            var hint = Engine.Internal.Suggestions.Nearest(sourceName, names);
            nodes.Error(sourceNode!, $"unknown source '{sourceName}'; expected one of {string.Join(", ", names)}" + (hint is null ? string.Empty : $" (did you mean '{hint}'?)"));
            return null;
        }

        var at = Time(nodes, atNode, startMs, "at");
        var partition = YamlNodes.Get(item, "partition") is { } partitionNode ? nodes.Int(partitionNode, "partition", 0) : 0;
        if (nodes.Mapping(YamlNodes.Get(item, "event"), "event") is not { } fields)
        {
            if (YamlNodes.Get(item, "event") is null)
            {
                nodes.Error(item, "an input event needs 'event': its fields, e.g. { category: gas_smell, grid: G0412 }");
            }

            return null;
        }

        if (at is null || partition is null)
        {
            return null;
        }

        var id = "e" + position.ToString(CultureInfo.InvariantCulture);
        var json = EventJson(source, fields, at.Value, startMs, ref id);
        return json is null ? null : new EventInput(line, source, at.Value, partition.Value, id, json);
    }

    public static long? Time(YamlNodes nodes, YamlNode node, long startMs, string what)
    {
        var text = nodes.String(node, what);
        if (text is null)
        {
            return null;
        }

        if (TestTimes.TryParse(text, startMs, out var ms))
        {
            return ms;
        }

        nodes.Error(node, $"{what}: '{text}' is not a time; expected +<duration> or -<duration> from the start (e.g. +5m, +1h30m) or an RFC 3339 time such as 2026-06-01T08:05:00+08:00");
        return null;
    }

    private byte[]? EventJson(SourceSchema source, YamlMappingNode fields, long at, long startMs, ref string id)
    {
        var ok = true;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber(source.TimeField.Name, at);
            foreach (var (keyNode, valueNode) in fields.Children)
            {
                var name = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
                var field = source.Field(name);
                if (field is null || ReferenceEquals(field, source.TimeField))
                {
                    var hint = Engine.Internal.Suggestions.Nearest(name, source.Fields.Select(f => f.Name));
                    nodes.Error(keyNode, field is not null
                        ? $"'{name}' comes from the item's 'at'; remove it from the event"
                        : $"unknown field '{name}' of source {source.Name}" + (hint is null ? string.Empty : $"; did you mean '{hint}'?"));
                    ok = false;
                    continue;
                }

                if (nodes.Scalar(valueNode, $"field '{name}'") is not { } scalar)
                {
                    ok = false;
                    continue;
                }

                if (ReferenceEquals(field, source.IdField))
                {
                    id = scalar.Value ?? string.Empty;
                }

                WriteValue(writer, field, scalar, startMs);
            }

            if (YamlNodes.Get(fields, source.IdField.Name) is null)
            {
                writer.WriteString(source.IdField.Name, id);
            }

            writer.WriteEndObject();
        }

        return ok ? buffer.WrittenSpan.ToArray() : null;
    }

    private static void WriteValue(Utf8JsonWriter writer, FieldDefinition field, YamlScalarNode scalar, long startMs)
    {
        var text = scalar.Value ?? string.Empty;
        var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
        if (plain && text is "null" or "~" or "")
        {
            writer.WriteNull(field.Name);
            return;
        }

        switch (field.Type)
        {
            case FieldType.Boolean when plain && bool.TryParse(text, out var b):
                writer.WriteBoolean(field.Name, b);
                return;
            case FieldType.Timestamp when TestTimes.TryParse(text, startMs, out var ms):
                writer.WriteNumber(field.Name, ms);
                return;
            case FieldType.Integer or FieldType.Timestamp when plain && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l):
                writer.WriteNumber(field.Name, l);
                return;
            case FieldType.Integer or FieldType.Number or FieldType.Timestamp when plain && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d):
                writer.WriteNumber(field.Name, d);
                return;
            default:
                writer.WriteString(field.Name, text);
                return;
        }
    }
}
