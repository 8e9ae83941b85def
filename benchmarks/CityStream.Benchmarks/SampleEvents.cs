using System.Globalization;
using CityStream.Engine;

namespace CityStream.Benchmarks;

/// <summary>Valid, fully populated events of any source schema, with values of realistic size, for the micro-benchmarks.</summary>
internal static class SampleEvents
{
    private const long T0 = 1_780_243_200_000L;
    private const string LongText = "市民反映崇川区和平桥街道某小区东门附近夜间持续施工噪声扰民，已多次沟通未果，请相关部门尽快处理。";

    /// <summary>Event <paramref name="i"/> of a source: every field set, enums cycling, numbers inside their range.</summary>
    public static CityEvent Make(SourceSchema schema, int i)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var evt = new CityEvent(schema);
        foreach (var field in schema.Fields)
        {
            switch (field.Type)
            {
                case FieldType.String:
                    evt.SetString(field.Index, StringFor(field, i));
                    break;
                case FieldType.Boolean:
                    evt.SetNumber(field.Index, i % 2);
                    break;
                case FieldType.Timestamp:
                    evt.SetNumber(field.Index, T0 + (i * 1000L));
                    break;
                case FieldType.Integer:
                    evt.SetNumber(field.Index, Math.Max(field.Minimum ?? 0, 60));
                    break;
                default:
                    evt.SetNumber(field.Index, NumberFor(field, i));
                    break;
            }
        }

        return evt;
    }

    private static string StringFor(FieldDefinition field, int i)
    {
        if (field.Enum is { Count: > 0 } values)
        {
            return values[i % values.Count];
        }

        var text = field.Name switch
        {
            "id" => "evt-" + i.ToString("D8", CultureInfo.InvariantCulture),
            "plate" => "苏F" + (10000 + (i % 90000)).ToString(CultureInfo.InvariantCulture),
            "grid" => "G" + (100 + (i % 900)).ToString("D4", CultureInfo.InvariantCulture),
            "district" => "崇川区",
            "text" or "summary" or "note" => LongText,
            "subject" => "夜间施工噪声扰民",
            _ => field.Name + "-" + (i % 1000).ToString(CultureInfo.InvariantCulture),
        };
        return field.MaxLength is { } max && text.Length > max ? text[..max] : text;
    }

    private static double NumberFor(FieldDefinition field, int i) => field.Name switch
    {
        "lat" => 32.0 + ((i % 100) * 0.001),
        "lon" => 120.86 + ((i % 100) * 0.001),
        "confidence" => 0.5 + ((i % 50) * 0.01),
        "speed_kmh" => i % 80,
        _ => Math.Clamp(12.5 + (i % 10), field.Minimum ?? double.MinValue, field.Maximum ?? double.MaxValue),
    };
}
