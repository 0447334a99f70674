using System.Management.Automation;

namespace GraphSecurity.Commands.Base;

/// <summary>
/// Base of Set-GsAlert and Set-GsIncident: the triage fields both share (classification,
/// determination, owner) and the comment, with the same names, types and meaning.
/// </summary>
public abstract class GsTriageUpdateCmdlet<T> : GsUpdateCmdlet<T> where T : class, IConnectionBound, ICommented
{
    [Parameter]
    [ValidateKnownValue(AllowUnknown = true)]
    [ValidateSet("Unknown", "FalsePositive", "TruePositive", "InformationalExpectedActivity", IgnoreCase = true)]
    public AlertClassification Classification { get; set; }

    [Parameter]
    [ValidateKnownValue(AllowUnknown = true)]
    [ValidateSet("Unknown", "Apt", "Malware", "SecurityPersonnel", "SecurityTesting", "UnwantedSoftware", "Other", "MultiStagedAttack", "CompromisedAccount", "Phishing", "MaliciousUserActivity", "NotMalicious", "NotEnoughDataToValidate", "ConfirmedActivity", "LineOfBusinessApplication", IgnoreCase = true)]
    public AlertDetermination Determination { get; set; }

    /// <summary>The owner (usually a UPN); an empty string clears it.</summary>
    [Parameter]
    [AllowEmptyString]
    [ValidateText(SingleLine = true)]
    public string AssignedTo { get; set; }

    /// <summary>A comment added to the comment list, after the other changes.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateText]
    public string Comment { get; set; }

    protected override string CommentText => Comment;

    /// <summary>The value of a parameter when it was given, else null ("leave as is").</summary>
    protected TValue? IfBound<TValue>(string parameterName, TValue value) where TValue : struct =>
        MyInvocation.BoundParameters.ContainsKey(parameterName) ? value : (TValue?)null;

    protected AlertClassification? BoundClassification => IfBound(nameof(Classification), Classification);
    protected AlertDetermination? BoundDetermination => IfBound(nameof(Determination), Determination);
    /// <summary>"" when -AssignedTo '' (clear the owner), null when not given.</summary>
    protected string BoundAssignedTo => MyInvocation.BoundParameters.ContainsKey(nameof(AssignedTo)) ? AssignedTo ?? "" : null;
}
