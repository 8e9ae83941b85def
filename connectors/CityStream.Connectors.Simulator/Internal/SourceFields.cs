using CityStream.Engine;

namespace CityStream.Connectors.Simulator.Internal;

/// <summary>A simulated source's schema and the slots of the fields every simulated event carries (id, time, location).</summary>
internal class SourceFields
{
    protected SourceFields(string source)
    {
        Schema = SchemaRegistry.Default.BySource(source) ?? throw new InvalidOperationException($"schema of source '{source}' is missing");
        Id = Slot("id");
        Ts = Slot("ts");
        Lat = Slot("lat");
        Lon = Slot("lon");
        Grid = Slot("grid");
        District = Slot("district");
    }

    public SourceSchema Schema { get; }

    public int Id { get; }

    public int Ts { get; }

    public int Lat { get; }

    public int Lon { get; }

    public int Grid { get; }

    public int District { get; }

    /// <summary>Starts an event with its id and time.</summary>
    public CityEvent Create(string id, long ts)
    {
        var evt = new CityEvent(Schema);
        evt.SetString(Id, id);
        evt.SetNumber(Ts, ts);
        return evt;
    }

    /// <summary>Sets lat/lon (snapped to micro-degrees) and the grid cell and district they fall in.</summary>
    public void SetLocation(CityEvent evt, double lat, double lon)
    {
        lat = CityMap.Snap(Math.Clamp(lat, CityMap.SouthLat + 0.0001, CityMap.NorthLat - 0.0001));
        lon = CityMap.Snap(Math.Clamp(lon, CityMap.WestLon + 0.0001, CityMap.EastLon - 0.0001));
        evt.SetNumber(Lat, lat);
        evt.SetNumber(Lon, lon);
        var cell = CityMap.CellAt(lat, lon);
        if (cell >= 0)
        {
            evt.SetString(Grid, CityMap.CellCode(cell));
            evt.SetString(District, CityMap.Districts[CityMap.DistrictOfCell(cell)].Name);
        }
    }

    protected int Slot(string name) => Schema.Field(name)?.Index ?? throw new InvalidOperationException($"source '{Schema.Name}' has no field '{name}'");
}

internal sealed class GpsFields : SourceFields
{
    public static readonly GpsFields Instance = new();

    private GpsFields()
        : base("vehicle_gps")
    {
        Plate = Slot("plate");
        VehicleClass = Slot("vehicle_class");
        Speed = Slot("speed_kmh");
        Heading = Slot("heading");
    }

    public int Plate { get; }

    public int VehicleClass { get; }

    public int Speed { get; }

    public int Heading { get; }
}

internal sealed class UtilityFields : SourceFields
{
    public static readonly UtilityFields Instance = new();

    private UtilityFields()
        : base("utility")
    {
        DwellingId = Slot("dwelling_id");
        Kind = Slot("kind");
        Value = Slot("value");
        PeriodS = Slot("period_s");
    }

    public int DwellingId { get; }

    public int Kind { get; }

    public int Value { get; }

    public int PeriodS { get; }
}

internal sealed class HotlineFields : SourceFields
{
    public static readonly HotlineFields Instance = new();

    private HotlineFields()
        : base("hotline")
    {
        CallerId = Slot("caller_id");
        Category = Slot("category");
        Subject = Slot("subject");
        Text = Slot("text");
        Department = Slot("department");
    }

    public int CallerId { get; }

    public int Category { get; }

    public int Subject { get; }

    public int Text { get; }

    public int Department { get; }
}

internal sealed class VideoFields : SourceFields
{
    public static readonly VideoFields Instance = new();

    private VideoFields()
        : base("video_alert")
    {
        CameraId = Slot("camera_id");
        AlertType = Slot("alert_type");
        Confidence = Slot("confidence");
        SnapshotUrl = Slot("snapshot_url");
    }

    public int CameraId { get; }

    public int AlertType { get; }

    public int Confidence { get; }

    public int SnapshotUrl { get; }
}

internal sealed class GridReportFields : SourceFields
{
    public static readonly GridReportFields Instance = new();

    private GridReportFields()
        : base("grid_report")
    {
        WorkerId = Slot("worker_id");
        Category = Slot("category");
        Text = Slot("text");
        RelatedEventId = Slot("related_event_id");
    }

    public int WorkerId { get; }

    public int Category { get; }

    public int Text { get; }

    public int RelatedEventId { get; }
}

internal sealed class PoliceFields : SourceFields
{
    public static readonly PoliceFields Instance = new();

    private PoliceFields()
        : base("police_event")
    {
        CaseNo = Slot("case_no");
        EventClass = Slot("event_class");
        Major = Slot("major");
        Summary = Slot("summary");
    }

    public int CaseNo { get; }

    public int EventClass { get; }

    public int Major { get; }

    public int Summary { get; }
}
