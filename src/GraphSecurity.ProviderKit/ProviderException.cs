namespace GraphSecurity.ProviderKit;

/// <summary>The error codes of the gsprov/1 contract with their HTTP status.</summary>
public static class ProviderErrorCodes
{
    public const string BadRequest = "BadRequest";
    public const string InvalidAuthenticationToken = "InvalidAuthenticationToken";
    public const string Forbidden = "Forbidden";
    public const string NotFound = "NotFound";
    public const string Conflict = "Conflict";
    public const string TooManyRequests = "TooManyRequests";
    public const string InternalServerError = "InternalServerError";

    public static int StatusOf(string code) => code switch
    {
        BadRequest => 400,
        InvalidAuthenticationToken => 401,
        Forbidden => 403,
        NotFound => 404,
        Conflict => 409,
        TooManyRequests => 429,
        _ => 500,
    };
}

/// <summary>
/// A contract error: the endpoint answers it as <c>{"error":{"code","message"}}</c> with the code's status.
/// A data source throws it too (e.g. <see cref="TooManyRequests"/> with a retry delay).
/// </summary>
public sealed class ProviderException : Exception
{
    public string Code { get; }
    public int StatusCode => ProviderErrorCodes.StatusOf(Code);

    /// <summary>For 429: the Retry-After the reply carries.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public ProviderException(string code, string message) : base(message) => Code = code;

    public ProviderException() : this(ProviderErrorCodes.InternalServerError, "The provider failed.") { }

    public ProviderException(string message) : this(ProviderErrorCodes.BadRequest, message) { }

    public ProviderException(string message, Exception innerException) : base(message, innerException) => Code = ProviderErrorCodes.InternalServerError;

    public static ProviderException BadRequest(string message) => new(ProviderErrorCodes.BadRequest, message);
    public static ProviderException Unauthorized(string message) => new(ProviderErrorCodes.InvalidAuthenticationToken, message);
    public static ProviderException Forbidden(string message) => new(ProviderErrorCodes.Forbidden, message);
    public static ProviderException NotFound(string message) => new(ProviderErrorCodes.NotFound, message);
    public static ProviderException Conflict(string message) => new(ProviderErrorCodes.Conflict, message);
    public static ProviderException TooManyRequests(TimeSpan retryAfter) =>
        new(ProviderErrorCodes.TooManyRequests, "Too many requests; retry later.") { RetryAfter = retryAfter };
}
