namespace GraphSecurity;

/// <summary>
/// What one Send-GsPartnerAlert -Via LogsIngestion run sent: rows and requests, bytes as sent (compressed
/// when gzipped), the largest request (under the 1,048,576-byte limit), the 429 answers that were waited
/// out, and the rows the service did not take.
/// </summary>
public sealed class PartnerAlertUpload : IConnectionBound
{
    /// <summary>The data collection rule's immutable id.</summary>
    public string? DataCollectionRule { get; set; }
    public string? Stream { get; set; }
    /// <summary>Rows the service took (204).</summary>
    public int Rows { get; set; }
    /// <summary>Rows not taken: refused requests, rows too large for one request.</summary>
    public int FailedRows { get; set; }
    /// <summary>Requests the rows were packed into (each sent once, plus <see cref="Retries"/>).</summary>
    public int Requests { get; set; }
    public int Retries { get; set; }
    /// <summary>429 answers waited out (Retry-After).</summary>
    public int Throttled { get; set; }
    public long Bytes { get; set; }
    public long LargestRequest { get; set; }
    public bool Compressed { get; set; }
    public string? ConnectionName { get; set; }

    public override string ToString() => $"{Rows} rows in {Requests} requests to {Stream}";
}
