using BenchmarkDotNet.Attributes;
using CityStream.Engine;
using CityStream.Engine.Internal.Conditions;

namespace CityStream.Benchmarks;

/// <summary>Evaluation cost of typical compiled rule conditions over a prepared event (target: ≤ 50 ns, 0 bytes).</summary>
[MemoryDiagnoser]
public class ConditionBenchmarks
{
    private CityEvent _truck = null!;
    private CityEvent _smoke = null!;
    private Func<CityEvent, bool> _hazmatStop = null!;
    private Func<CityEvent, bool> _gridInLongList = null!;
    private Func<CityEvent, bool> _smokeConfident = null!;
    private Func<CityEvent, bool> _macroAndRegex = null!;

    [GlobalSetup]
    public void Setup()
    {
        var gps = SchemaRegistry.Default.BySource("vehicle_gps")!;
        var video = SchemaRegistry.Default.BySource("video_alert")!;
        var lists = new Dictionary<string, IReadOnlyList<object>>(StringComparer.Ordinal)
        {
            ["hazmat_classes"] = ["hazmat_tanker", "hazmat_truck"],
            ["watched_grids"] = ["G0101", "G0102", "G0203", "G0304", "G0412", "G0415", "G0520", "G0611"],
        };
        var macros = new Dictionary<string, MacroDefinition>(StringComparer.Ordinal)
        {
            ["burning"] = new("burning", "alert_type in ['smoke', 'fire']", 1, 1),
        };
        var gpsScope = new ConditionScope { Schema = gps, File = "bench.yaml", Lists = lists };
        var videoScope = new ConditionScope { Schema = video, File = "bench.yaml", Lists = lists, Macros = macros };

        _truck = new CityEvent(gps);
        _truck.SetString(gps.Field("plate")!.Index, "苏F12345");
        _truck.SetString(gps.Field("vehicle_class")!.Index, "hazmat_truck");
        _truck.SetNumber(gps.Field("speed_kmh")!.Index, 2.5);
        _truck.SetString(gps.Field("grid")!.Index, "G0412");

        _smoke = new CityEvent(video);
        _smoke.SetString(video.Field("alert_type")!.Index, "smoke");
        _smoke.SetNumber(video.Field("confidence")!.Index, 0.91);
        _smoke.SetString(video.Field("grid")!.Index, "G0412");

        _hazmatStop = Compile("vehicle_class in lists.hazmat_classes && speed_kmh < 5", gpsScope);
        _gridInLongList = Compile("grid in lists.watched_grids && vehicle_class != 'bus'", gpsScope);
        _smokeConfident = Compile("alert_type == 'smoke' && confidence >= 0.8", videoScope);
        _macroAndRegex = Compile("burning && confidence > 0.5 && grid.matches('^G04[0-9]{2}$')", videoScope);
    }

    [Benchmark(Baseline = true)]
    public bool SmokeConfident() => _smokeConfident(_smoke);

    [Benchmark]
    public bool HazmatStop() => _hazmatStop(_truck);

    [Benchmark]
    public bool GridInLongList() => _gridInLongList(_truck);

    [Benchmark]
    public bool MacroAndRegex() => _macroAndRegex(_smoke);

    private static Func<CityEvent, bool> Compile(string text, ConditionScope scope)
    {
        var errors = new List<RuleError>();
        var compiled = ConditionCompiler.CompilePredicate(text, scope, 1, 1, errors)
            ?? throw new InvalidOperationException(string.Join("; ", errors));
        return compiled.Evaluate;
    }
}
