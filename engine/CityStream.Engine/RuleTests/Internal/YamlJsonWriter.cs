using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CityStream.Engine.RuleTests.Internal;

/// <summary>Writes a YAML node tree as JSON, typing plain scalars by the YAML 1.2 core schema.</summary>
internal static class YamlJsonWriter
{
    public static string Write(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            if (stream.Documents.Count == 0)
            {
                writer.WriteNullValue();
            }
            else
            {
                WriteNode(writer, stream.Documents[0].RootNode);
            }
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteNode(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName((key as YamlScalarNode)?.Value ?? key.ToString());
                    WriteNode(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence)
                {
                    WriteNode(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            writer.WriteStringValue(text);
        }
        else if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            writer.WriteNullValue();
        }
        else if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            writer.WriteBooleanValue(text[0] is 't' or 'T');
        }
        else if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            writer.WriteNumberValue(l);
        }
        else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && !text.StartsWith('+'))
        {
            writer.WriteNumberValue(d);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }
}
