namespace GraphSecurity;

/// <summary>
/// The outcome of one input of New-, Set- or Remove-GsTiIndicator: which input (its position in
/// the pipeline), what happened, the indicator's id and externalId, and the error if it failed.
/// </summary>
public sealed class TiIndicatorResult : IConnectionBound
{
    /// <summary>The input's position: 1 for the first object piped (with Import-Csv, the first data row, i.e. file line 2).</summary>
    public long Line { get; set; }
    public TiIndicatorResultStatus Status { get; set; }
    public string? Id { get; set; }
    public string? ExternalId { get; set; }
    public string? TargetProduct { get; set; }
    /// <summary>The API the input went to (or would have gone to).</summary>
    public TiTarget Target { get; set; } = TiTarget.Graph;
    /// <summary>The tiIndicator field that holds the observable, e.g. fileHashValue or url.</summary>
    public string? IndicatorType { get; set; }
    public string? Indicator { get; set; }
    public string? Error { get; set; }
    /// <summary>How many requests the item's batch needed beyond the first (retries after throttling or faults).</summary>
    public int Retries { get; set; }
    /// <summary>The input object as it was received (e.g. the CSV row).</summary>
    public object? InputObject { get; set; }
    public string? ConnectionName { get; set; }

    public override string ToString() => $"{Line}: {Status} {Indicator}";
}
