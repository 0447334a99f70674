namespace SentryFirewall;

/// <summary>
/// The deliberately broken variants (<c>--break</c>): each breaks exactly one rule of the contract, so a
/// conformance checker can be seen to catch it.
/// </summary>
public static class BreakRules
{
    public const string IgnoreTop = "ignore-top";
    public const string WrongOrder = "wrong-order";
    public const string IgnoreFilter = "ignore-filter";
    public const string NoPaging = "no-paging";
    public const string PatchAcceptsReadOnly = "patch-accepts-readonly";
    public const string PatchNoVendorCheck = "patch-no-vendor-check";
    public const string PatchNoEcho = "patch-no-echo";
    public const string NoAuth = "no-auth";
    public const string ForeignVendor = "foreign-vendor";
    public const string Slow = "slow";
    public const string BadErrorShape = "bad-error-shape";
    public const string ActionStuck = "action-stuck";
    public const string CancelCompleted = "cancel-completed";

    public static readonly IReadOnlyList<string> All = new[]
    {
        IgnoreTop, WrongOrder, IgnoreFilter, NoPaging, PatchAcceptsReadOnly, PatchNoVendorCheck, PatchNoEcho,
        NoAuth, ForeignVendor, Slow, BadErrorShape, ActionStuck, CancelCompleted,
    };
}
