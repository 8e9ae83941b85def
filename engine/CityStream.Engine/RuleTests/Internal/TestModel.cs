namespace CityStream.Engine.RuleTests.Internal;

/// <summary>A parsed rule test file: the packs it loads and its tests.</summary>
internal sealed record TestFileModel(string File, IReadOnlyList<PackReference> Packs, IReadOnlyList<TestCaseModel> Tests, IReadOnlyList<RuleReference> RuleReferences);

/// <summary>A pack file the test file loads (relative to it), at its position.</summary>
internal sealed record PackReference(string Path, int Line, int Column);

/// <summary>A rule id the test file names, at its position, checked against the loaded packs.</summary>
internal sealed record RuleReference(string Id, int Line, int Column);

/// <summary>One test of a file, at its position.</summary>
internal sealed record TestCaseModel(
    string Name,
    int Line,
    int Column,
    long StartMs,
    IReadOnlyList<string>? Rules,
    IReadOnlyList<InputItem> Input,
    long? AdvanceTo,
    IReadOnlyList<ExpectedAlert> Expect,
    IReadOnlyList<ExpectedDeadLetter> ExpectDeadLetters);

/// <summary>One item of a test's input, in arrival order.</summary>
internal abstract record InputItem(int Line);

/// <summary>An event: its source, time, partition, id and JSON record.</summary>
internal sealed record EventInput(int Line, SourceSchema Source, long At, int Partition, string EventId, byte[] Json) : InputItem(Line);

/// <summary>Stream time moved forward without an event.</summary>
internal sealed record AdvanceInput(int Line, long To) : InputItem(Line);

/// <summary>A host restart: checkpoint, new runtime, restore.</summary>
internal sealed record RestartInput(int Line) : InputItem(Line);

/// <summary>Alerts a test expects of one rule and key.</summary>
internal sealed record ExpectedAlert(int Line, string Rule, string Key, int Count, string? Severity, string? Title, string? Message, IReadOnlyList<string>? Evidence)
{
    public override string ToString() => Count == 1 ? $"{Rule} key={Key}" : $"{Count}× {Rule} key={Key}";
}

/// <summary>A dead letter a test expects.</summary>
internal sealed record ExpectedDeadLetter(int Line, string Reason, string EventId);
