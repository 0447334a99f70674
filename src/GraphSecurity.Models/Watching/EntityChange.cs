using System;

namespace GraphSecurity
{
    /// <summary>What a watcher saw happen to an object.</summary>
    public enum ChangeType
    {
        /// <summary>The watcher had not seen this object before.</summary>
        New,
        /// <summary>The object was seen before and has a newer lastUpdateDateTime.</summary>
        Updated,
    }

    /// <summary>
    /// One change emitted by a Watch- cmdlet: which object, what kind of change, and the
    /// lastUpdateDateTime that identifies this version of it. Bound to its connection, so it can be
    /// piped to the Set- cmdlets.
    /// </summary>
    public abstract class EntityChange : IConnectionBound
    {
        public ChangeType ChangeType { get; set; }
        public string? Id { get; set; }
        public DateTimeOffset LastUpdateDateTime { get; set; }
        public string? ConnectionName { get; set; }

        public override string ToString() => $"{ChangeType} {Id} {LastUpdateDateTime:o}";
    }

    /// <summary>A new or updated alert seen by Watch-GsAlert; the alert itself is in <see cref="Alert"/>.</summary>
    public sealed class AlertChange : EntityChange
    {
        public Alert? Alert { get; set; }
        public string? Title => Alert?.Title;
        public AlertSeverity? Severity => Alert?.Severity;
        public AlertStatus? Status => Alert?.Status;
        public string? AssignedTo => Alert?.AssignedTo;
        public DateTimeOffset? CreatedDateTime => Alert?.CreatedDateTime;
    }
}

namespace GraphSecurity
{
    /// <summary>A new or updated incident seen by Watch-GsIncident; the incident itself is in <see cref="Incident"/>.</summary>
    public sealed class IncidentChange : EntityChange
    {
        public Incident? Incident { get; set; }
        public string? DisplayName => Incident?.DisplayName;
        public AlertSeverity? Severity => Incident?.Severity;
        public IncidentStatus? Status => Incident?.Status;
        public string? AssignedTo => Incident?.AssignedTo;
    }
}
