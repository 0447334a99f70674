namespace GraphSecurity;

/// <summary>An object with a comment list (alerts and incidents).</summary>
public interface ICommented
{
    ValueList<AlertComment> Comments { get; set; }
}
