using CityStream.Engine.Internal.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CityStream.Engine.RuleTests.Internal;

/// <summary>Reads a rule test file, reporting every problem in it with its file:line:col.</summary>
internal static class TestFileParser
{
    private static readonly string[] FileKeys = ["packs", "start", "tests"];
    private static readonly string[] TestKeys = ["name", "start", "rules", "input", "advance_to", "expect", "expect_dead_letters"];
    private static readonly string[] ExpectKeys = ["rule", "key", "count", "severity", "title", "message", "evidence"];
    private static readonly string[] DeadLetterKeys = ["reason", "event"];
    private static readonly string[] DeadLetterReasonNames =
        [DeadLetterReasons.Late, DeadLetterReasons.SchemaViolation, DeadLetterReasons.MalformedJson, DeadLetterReasons.UnknownSource];

    public static TestFileModel? Parse(string file, string yaml, SchemaRegistry schemas, ICollection<RuleError> errors)
    {
        var before = errors.Count;
        var nodes = new YamlNodes(file, errors);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            nodes.Error(ex.Start, "YAML syntax error: " + (ex.InnerException?.Message ?? ex.Message));
            return null;
        }
        catch (InvalidOperationException)
        {
            errors.Add(new RuleError(file, 1, 1, "YAML syntax error: the YAML parser gave up (an unclosed [ or { is likely)"));
            return null;
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            errors.Add(new RuleError(file, 1, 1, "a rule test file must be one YAML mapping with 'tests'"));
            return null;
        }

        nodes.CheckKeys(root, "the test file", FileKeys);
        var packs = ReadPacks(nodes, root, file);
        long? fileStart = YamlNodes.Get(root, "start") is { } startNode ? AbsoluteTime(nodes, startNode, "start") : null;
        var references = new List<RuleReference>();
        var tests = new List<TestCaseModel>();
        if (YamlNodes.Get(root, "tests") is not YamlSequenceNode testNodes || testNodes.Children.Count == 0)
        {
            nodes.Error(YamlNodes.Get(root, "tests") ?? root, "the test file needs 'tests': a list of { name, input, expect }");
        }
        else
        {
            var reader = new InputReader(nodes, schemas);
            foreach (var testNode in testNodes)
            {
                if (nodes.Mapping(testNode, "a test") is { } mapping && ReadTest(nodes, reader, mapping, fileStart, references) is { } test)
                {
                    tests.Add(test);
                }
            }
        }

        return errors.Count > before ? null : new TestFileModel(file, packs, tests, references);
    }

    private static List<PackReference> ReadPacks(YamlNodes nodes, YamlMappingNode root, string file)
    {
        if (YamlNodes.Get(root, "packs") is { } packsNode)
        {
            return [.. nodes.ScalarList(packsNode, "packs").Select(s => new PackReference(s.Value ?? string.Empty, (int)s.Start.Line, (int)s.Start.Column))];
        }

        var name = Path.GetFileName(file);
        foreach (var suffix in (string[])[".test.yaml", ".test.yml"])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return [new PackReference(name[..^suffix.Length] + suffix[5..], 1, 1)];
            }
        }

        nodes.Error(root, "the file is not named <pack>.test.yaml, so it needs 'packs': the pack files it tests");
        return [];
    }

    private static TestCaseModel? ReadTest(YamlNodes nodes, InputReader reader, YamlMappingNode test, long? fileStart, List<RuleReference> references)
    {
        var before = nodes.Errors.Count;
        nodes.CheckKeys(test, "a test", TestKeys);
        var name = nodes.String(YamlNodes.Get(test, "name"), "name");
        if (name is null)
        {
            nodes.Error(test, "a test needs a 'name'");
        }

        long? start = YamlNodes.Get(test, "start") is { } startNode ? AbsoluteTime(nodes, startNode, "start") : fileStart;
        if (start is null)
        {
            nodes.Error(test, "the test needs a 'start' time (here or at the top of the file), e.g. start: 2026-06-01T08:00:00+08:00");
            return null;
        }

        List<string>? rules = null;
        if (YamlNodes.Get(test, "rules") is { } rulesNode)
        {
            var ruleScalars = nodes.ScalarList(rulesNode, "rules");
            rules = [.. ruleScalars.Select(s => s.Value ?? string.Empty)];
            references.AddRange(ruleScalars.Select(s => new RuleReference(s.Value ?? string.Empty, (int)s.Start.Line, (int)s.Start.Column)));
        }

        var input = new List<InputItem>();
        if (YamlNodes.Get(test, "input") is YamlSequenceNode inputNodes)
        {
            foreach (var item in inputNodes)
            {
                if (nodes.Mapping(item, "an input item") is { } mapping && reader.Read(mapping, start.Value, input.Count + 1) is { } parsed)
                {
                    input.Add(parsed);
                }
            }
        }
        else
        {
            nodes.Error(YamlNodes.Get(test, "input") ?? test, "a test needs 'input': a list of { at, source, event }, { advance_to } or { restart: true } ([] for none)");
        }

        long? advanceTo = YamlNodes.Get(test, "advance_to") is { } advanceNode ? InputReader.Time(nodes, advanceNode, start.Value, "advance_to") : null;
        var expect = ReadExpect(nodes, test, references);
        var ids = input.OfType<EventInput>().Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
        var letters = ReadDeadLetters(nodes, YamlNodes.Get(test, "expect_dead_letters"), ids);
        if (nodes.Errors.Count > before || name is null)
        {
            return null;
        }

        return new TestCaseModel(name, (int)test.Start.Line, (int)test.Start.Column, start.Value, rules, input, advanceTo, expect, letters);
    }

    private static List<ExpectedAlert> ReadExpect(YamlNodes nodes, YamlMappingNode test, List<RuleReference> references)
    {
        var expected = new List<ExpectedAlert>();
        if (YamlNodes.Get(test, "expect") is not YamlSequenceNode expectNodes)
        {
            nodes.Error(YamlNodes.Get(test, "expect") ?? test, "a test needs 'expect': the alerts it must give, e.g. [{ rule: hotline.gas-burst, key: G0412 }], or [] for none");
            return expected;
        }

        foreach (var item in expectNodes)
        {
            if (nodes.Mapping(item, "an expected alert") is not { } mapping)
            {
                continue;
            }

            nodes.CheckKeys(mapping, "an expected alert", ExpectKeys);
            var ruleNode = nodes.Scalar(YamlNodes.Get(mapping, "rule"), "rule");
            var key = nodes.String(YamlNodes.Get(mapping, "key"), "key");
            if (ruleNode is null || key is null)
            {
                nodes.Error(mapping, "an expected alert needs 'rule' and 'key'");
                continue;
            }

            references.Add(new RuleReference(ruleNode.Value ?? string.Empty, (int)ruleNode.Start.Line, (int)ruleNode.Start.Column));
            var count = YamlNodes.Get(mapping, "count") is { } countNode ? nodes.Int(countNode, "count", 1) ?? 1 : 1;
            var severityNode = YamlNodes.Get(mapping, "severity");
            var severity = nodes.String(severityNode, "severity");
            if (severity is not null && !CompiledRule.SeverityLevels.Contains(severity))
            {
                nodes.Error(severityNode!, $"unknown severity '{severity}'; expected one of {string.Join(", ", CompiledRule.SeverityLevels)}");
            }

            List<string>? evidence = YamlNodes.Get(mapping, "evidence") is { } evidenceNode
                ? [.. nodes.ScalarList(evidenceNode, "evidence").Select(s => s.Value ?? string.Empty)]
                : null;
            expected.Add(new ExpectedAlert(
                (int)mapping.Start.Line,
                ruleNode.Value ?? string.Empty,
                key,
                count,
                severity,
                nodes.String(YamlNodes.Get(mapping, "title"), "title"),
                nodes.String(YamlNodes.Get(mapping, "message"), "message"),
                evidence));
        }

        return expected;
    }

    private static List<ExpectedDeadLetter> ReadDeadLetters(YamlNodes nodes, YamlNode? node, HashSet<string> inputIds)
    {
        var letters = new List<ExpectedDeadLetter>();
        if (node is null)
        {
            return letters;
        }

        if (node is not YamlSequenceNode sequence)
        {
            nodes.Error(node, "expect_dead_letters must be a list of { reason, event }");
            return letters;
        }

        foreach (var item in sequence)
        {
            if (nodes.Mapping(item, "an expected dead letter") is not { } mapping)
            {
                continue;
            }

            nodes.CheckKeys(mapping, "an expected dead letter", DeadLetterKeys);
            var reasonNode = YamlNodes.Get(mapping, "reason");
            var reason = nodes.String(reasonNode, "reason");
            var eventNode = YamlNodes.Get(mapping, "event");
            var eventId = nodes.String(eventNode, "event");
            if (reason is null || eventId is null)
            {
                nodes.Error(mapping, "an expected dead letter needs 'reason' and 'event' (the input event's id)");
                continue;
            }

            if (!DeadLetterReasonNames.Contains(reason))
            {
                var hint = Engine.Internal.Suggestions.Nearest(reason, DeadLetterReasonNames);
                nodes.Error(reasonNode!, $"unknown dead-letter reason '{reason}'; expected one of {string.Join(", ", DeadLetterReasonNames)}" + (hint is null ? string.Empty : $" (did you mean '{hint}'?)"));
                continue;
            }

            if (!inputIds.Contains(eventId))
            {
                nodes.Error(eventNode!, $"no input event of this test has id '{eventId}'");
                continue;
            }

            letters.Add(new ExpectedDeadLetter((int)mapping.Start.Line, reason, eventId));
        }

        return letters;
    }

    private static long? AbsoluteTime(YamlNodes nodes, YamlNode node, string what)
    {
        var text = nodes.String(node, what);
        if (text is null)
        {
            return null;
        }

        if (TestTimes.TryParseAbsolute(text, out var ms))
        {
            return ms;
        }

        nodes.Error(node, $"{what}: '{text}' is not an RFC 3339 time with an offset, e.g. 2026-06-01T08:00:00+08:00");
        return null;
    }
}
