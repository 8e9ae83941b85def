using System.Text;
using CityStream.Connectors.Simulator;
using CityStream.Engine.Internal.Codec;
using CityStream.Engine.Tests.Simulator;

namespace CityStream.Engine.Tests.Decoding;

/// <summary>
/// The flat-record fast path decodes exactly what <see cref="System.Text.Json.Utf8JsonReader"/>'s path decodes: the same event, or the
/// same dead letter (reason and detail), for records as the simulator writes them and for every mutation of them tried here.
/// </summary>
public sealed class FlatJsonScannerTests
{
    private static readonly SourceSchema Hotline = TestEvents.Source("hotline");

    // What a decoder may be asked: every field, only some strings made (the rest checked), strings left as bytes, and required fields unchecked.
    private static readonly (ulong Keep, ulong AsBytes, bool RequireAll)[] Modes =
    [
        (ulong.MaxValue, 0, true),
        (0b_0000_0011, 0, true),
        (ulong.MaxValue, ulong.MaxValue, true),
        (0b_1010_1011, 0b_0010_1000, false),
    ];

    private static readonly byte[] InterestingBytes = "\"\\{}[],: \t\n-.eE0159tfnu+/"u8.ToArray().Concat(new byte[] { 0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xFF, 0xE5 }).ToArray();

    private static List<(SourceSchema Schema, byte[] Json)> SimulatedRecords(int seed)
    {
        var options = SimulatorTestRuns.Small(seed: seed);
        options.MalformedRate = 0.05;
        var records = new List<(SourceSchema, byte[])>();
        foreach (var record in new CitySimulator(options).Generate())
        {
            if (record.ContentType == ContentTypes.Json)
            {
                records.Add((SimulatorTestRuns.SchemaOf(record.Topic), record.Value));
            }
        }

        return records;
    }

    /// <summary>Decodes with both paths in every mode and asserts they agree; says whether the fast path took the record as it is.</summary>
    private static bool AssertBothPathsAgree(SourceSchema schema, byte[] json)
    {
        var tookAll = true;
        foreach (var (keep, asBytes, requireAll) in Modes)
        {
            var expected = JsonEventReader.ReadWithReader(schema, json, new CityEvent(schema), out var expectedReason, out var expectedDetail, out var expectedLeftOut, requireAll, keep, asBytes);
            var flat = new CityEvent(schema);
            tookAll &= JsonEventReader.TryReadFlat(schema, json, flat, requireAll, keep, asBytes, out _);
            var actual = JsonEventReader.Read(schema, json, out var reason, out var detail, out var leftOut, requireAll, keep, recycled: null, asBytes);

            var input = Encoding.UTF8.GetString(json);
            Assert.True((expected is null) == (actual is null), $"{input}: {expectedReason} {expectedDetail} / {reason} {detail}");
            Assert.Equal((expectedReason, expectedDetail), (reason, detail));
            if (expected is null || actual is null)
            {
                continue;
            }

            Assert.Equal(expectedLeftOut, leftOut);
            Assert.Equal(expected.PresentMask, actual.PresentMask);

            // Strings left as bytes are read from the record, as the codec keeps it for them.
            expected.SourceRecord = actual.SourceRecord = json;
            foreach (var field in schema.Fields)
            {
                Assert.Equal(expected.GetValue(field), actual.GetValue(field));
            }
        }

        return tookAll;
    }

    [Fact]
    public void Records_as_the_simulator_writes_them_are_read_by_the_scanner_as_the_reader_reads_them()
    {
        var records = SimulatedRecords(seed: 11);
        var taken = 0;

        foreach (var (schema, json) in records)
        {
            taken += AssertBothPathsAgree(schema, json) ? 1 : 0;
        }

        // Malformed records (5 %) and those with escapes go to the reader; nearly all the rest the scanner takes.
        Assert.True(taken > records.Count * 0.8, $"the scanner took {taken} of {records.Count}");
    }

    [Fact]
    public void Every_mutation_of_simulated_records_decodes_alike_on_both_paths()
    {
        var random = new Random(20261206);
        var records = SimulatedRecords(seed: 5);
        for (var n = 0; n < 4_000; n++)
        {
            var (schema, json) = records[random.Next(records.Count)];
            AssertBothPathsAgree(schema, Mutate(json, random));
        }
    }

    private static byte[] Mutate(byte[] json, Random random)
    {
        var bytes = new List<byte>(json);
        for (var edits = 1 + random.Next(3); edits > 0 && bytes.Count > 0; edits--)
        {
            var at = random.Next(bytes.Count);
            var b = InterestingBytes[random.Next(InterestingBytes.Length)];
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] = b;
                    break;
                case 1:
                    bytes.Insert(at, b);
                    break;
                case 2:
                    bytes.RemoveAt(at);
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        return [.. bytes];
    }

    [Theory]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise","text":"loud","lat":32.01,"lon":120.86}""", true)]
    [InlineData("\t { \"id\" : \"t-1\" ,\r\n\"ts\" : 1780272000000 , \"category\" : \"noise\" } \n", true)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise","ts":1780272000001}""", true)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise","text":"崇川区 🔥"}""", true)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise",}""", false)]
    [InlineData("""{"id":"t-1","ts":01780272000000,"category":"noise"}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000.0,"category":"noise"}""", false)]
    [InlineData("""{"id":"t-1","ts":1.78e12,"category":"noise"}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise","lat":1.}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise","lat":-}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise","lat":3.2e1}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise","lat":32a}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise","lat":null}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise","lat":truex}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise","text":"a\"b"}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise","text":{"a":1}}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise","text":["a"]}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise","t\u0065xt":"a"}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise","nope":"a"}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise"} x""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise"}}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise" "text":"a"}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise"/**/}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"not-a-category"}""", false)]
    [InlineData("""{"id":"t-1","ts":1780272000000,"category":"noise""", false)]
    [InlineData("""[{"id":"t-1"}]""", false)]
    [InlineData("""{}""", false)]
    [InlineData("", false)]
    public void A_record_the_scanner_takes_or_gives_up_on_decodes_as_the_reader_decodes_it(string text, bool taken)
    {
        var json = Encoding.UTF8.GetBytes(text);

        Assert.Equal(taken, AssertBothPathsAgree(Hotline, json));
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x09)]
    [InlineData(0x1F)]
    [InlineData(0xFF)]
    public void A_control_character_or_invalid_utf8_in_a_string_decodes_as_the_reader_decodes_it(byte b)
    {
        var json = Encoding.UTF8.GetBytes("""{"id":"t-1","ts":1780272000000,"category":"noise","text":"a_b"}""");
        json[Array.IndexOf(json, (byte)'_')] = b;

        Assert.False(AssertBothPathsAgree(Hotline, json));
    }
}
