using CityStream.Engine;

namespace CityStream.IntegrationTests.Redis;

/// <summary>
/// Compares the scalar fields of two alerts, the ones the Redis sink indexes; evidence and labels are compared
/// by count, since evidence fields come back from JSON as <see cref="System.Text.Json.JsonElement"/>.
/// </summary>
internal sealed class AlertComparer : IEqualityComparer<Alert?>
{
    public static readonly AlertComparer Instance = new();

    public bool Equals(Alert? x, Alert? y) =>
        x is not null && y is not null
        && x.Id == y.Id && x.Rule == y.Rule && x.Pack == y.Pack && x.Severity == y.Severity
        && x.Title == y.Title && x.Message == y.Message && x.Key == y.Key
        && x.FirstEventTime == y.FirstEventTime && x.LastEventTime == y.LastEventTime && x.EmitTime == y.EmitTime
        && x.Location == y.Location && x.Grid == y.Grid && x.District == y.District && x.Route == y.Route
        && x.Evidence.Count == y.Evidence.Count && x.Labels.Count == y.Labels.Count;

    public int GetHashCode(Alert? obj) => obj is null ? 0 : obj.Id.GetHashCode(StringComparison.Ordinal);
}
