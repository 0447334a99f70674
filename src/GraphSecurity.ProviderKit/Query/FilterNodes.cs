using GraphSecurity.ProviderKit.Models;

namespace GraphSecurity.ProviderKit.Query;

/// <summary>The comparison operators of <c>$filter</c>.</summary>
public enum FilterOperator
{
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// <summary>How a filterable property compares.</summary>
public enum FilterPropertyKind
{
    /// <summary>Free text, compared ordinally.</summary>
    Text,
    /// <summary>A schema enumeration: literals match ignoring case, gt/lt follow the schema order.</summary>
    Enumeration,
    /// <summary>A DateTimeOffset, written as an unquoted ISO-8601 literal.</summary>
    Date,
}

/// <summary>A parsed <c>$filter</c>: a small expression tree that evaluates against an alert.</summary>
public abstract record FilterNode
{
    public abstract bool Matches(ProviderAlert alert);
}

public sealed record AndNode(FilterNode Left, FilterNode Right) : FilterNode
{
    public override bool Matches(ProviderAlert alert) => Left.Matches(alert) && Right.Matches(alert);
    public override string ToString() => $"({Left} and {Right})";
}

public sealed record OrNode(FilterNode Left, FilterNode Right) : FilterNode
{
    public override bool Matches(ProviderAlert alert) => Left.Matches(alert) || Right.Matches(alert);
    public override string ToString() => $"({Left} or {Right})";
}

public sealed record NotNode(FilterNode Operand) : FilterNode
{
    public override bool Matches(ProviderAlert alert) => !Operand.Matches(alert);
    public override string ToString() => $"(not {Operand})";
}

/// <summary>
/// <c>property op literal</c>. <see cref="Value"/> is a string (canonical spelling for enumerations), a
/// <see cref="DateTimeOffset"/>, or null for the <c>null</c> literal.
/// </summary>
public sealed record ComparisonNode(string Property, FilterOperator Operator, object Value) : FilterNode
{
    public override bool Matches(ProviderAlert alert)
    {
        var definition = FilterProperties.Find(Property);
        var actual = definition.Read(alert);
        if (Value == null || actual == null)
        {
            // Only eq/ne take null (the parser refuses the others); a missing value is neither above nor below anything.
            var bothNull = Value == null && actual == null;
            return Operator switch { FilterOperator.Eq => bothNull, FilterOperator.Ne => !bothNull, _ => false };
        }
        var order = definition.Compare(actual, Value);
        return Operator switch
        {
            FilterOperator.Eq => order == 0,
            FilterOperator.Ne => order != 0,
            FilterOperator.Gt => order > 0,
            FilterOperator.Ge => order >= 0,
            FilterOperator.Lt => order < 0,
            _ => order <= 0,
        };
    }

    public override string ToString() => $"{Property} {Operator.ToString().ToLowerInvariant()} {Value ?? "null"}";
}

/// <summary>One property <c>$filter</c> and <c>$orderby</c> may name, with how it reads and compares.</summary>
public sealed record FilterProperty(string Name, FilterPropertyKind Kind, Func<ProviderAlert, object> Read, IReadOnlyList<string> Members = null)
{
    public int Compare(object left, object right) => Kind switch
    {
        FilterPropertyKind.Date => ((DateTimeOffset)left).CompareTo((DateTimeOffset)right),
        FilterPropertyKind.Enumeration => AlertValues.Rank(Members, (string)left).CompareTo(AlertValues.Rank(Members, (string)right)),
        _ => string.CompareOrdinal((string)left, (string)right),
    };
}

/// <summary>The properties of the contract's <c>$filter</c> and <c>$orderby</c>.</summary>
public static class FilterProperties
{
    public static readonly IReadOnlyList<FilterProperty> Filterable = new FilterProperty[]
    {
        new("id", FilterPropertyKind.Text, a => a.Id),
        new("title", FilterPropertyKind.Text, a => a.Title),
        new("category", FilterPropertyKind.Text, a => a.Category),
        new("severity", FilterPropertyKind.Enumeration, a => a.Severity, AlertValues.Severities),
        new("status", FilterPropertyKind.Enumeration, a => a.Status, AlertValues.Statuses),
        new("feedback", FilterPropertyKind.Enumeration, a => a.Feedback, AlertValues.Feedbacks),
        new("assignedTo", FilterPropertyKind.Text, a => a.AssignedTo),
        new("createdDateTime", FilterPropertyKind.Date, a => a.CreatedDateTime),
        new("eventDateTime", FilterPropertyKind.Date, a => a.EventDateTime),
        new("lastModifiedDateTime", FilterPropertyKind.Date, a => a.LastModifiedDateTime),
        new("vendorInformation/provider", FilterPropertyKind.Text, a => a.VendorInformation?.Provider),
        new("vendorInformation/subProvider", FilterPropertyKind.Text, a => a.VendorInformation?.SubProvider),
    };

    public static readonly IReadOnlyList<string> Orderable = new[] { "createdDateTime", "eventDateTime", "lastModifiedDateTime", "severity", "status", "title" };

    /// <summary>The property of that exact name (OData names are case-sensitive), or null.</summary>
    public static FilterProperty Find(string name) => Filterable.FirstOrDefault(p => p.Name == name);
}
