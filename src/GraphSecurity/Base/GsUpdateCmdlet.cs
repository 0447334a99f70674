using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GraphSecurity.Engine.Connections;
using GraphSecurity.Engine.Http;

namespace GraphSecurity.Commands.Base
{
    /// <summary>
    /// Base of the cmdlets that PATCH an alert or incident and/or add a comment to it (Set-GsAlert,
    /// Set-GsIncident, Add-GsAlertComment, Add-GsIncidentComment): one input id per record,
    /// ShouldProcess, one PATCH with only the bound fields, the comment, -PassThru, and a
    /// non-terminating error per failing input.
    /// </summary>
    public abstract class GsUpdateCmdlet<T> : GsConnectedCmdlet where T : class, IConnectionBound, ICommented
    {
        /// <summary>Write the updated object to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The id of the object this record changes.</summary>
        protected abstract string TargetId { get; }

        /// <summary>The comment to add, or null.</summary>
        protected abstract string CommentText { get; }

        /// <summary>What the object is called in messages, e.g. "alert".</summary>
        protected abstract string TargetKind { get; }

        /// <summary>The change parameters, for the "nothing to change" message (e.g. "-Status, -AssignedTo").</summary>
        protected virtual string ChangeParameterNames => null;

        /// <summary>The PATCH body from the bound parameters (empty when only a comment is added).</summary>
        protected virtual IDictionary<string, object> BuildChanges() => new Dictionary<string, object>();

        protected abstract EntityService<T> CreateService(GraphConnection connection);

        protected override void BeginProcessing()
        {
            if (BuildChanges().Count > 0 || CommentText != null) return;
            var message = $"Nothing to change: give at least one of {ChangeParameterNames} or -Comment.";
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), "NothingToUpdate", ErrorCategory.InvalidArgument, null)
            {
                ErrorDetails = new ErrorDetails(message),
            });
        }

        protected override void ProcessRecord()
        {
            var id = TargetId;
            var changes = BuildChanges();
            var comment = CommentText;
            if (!ShouldProcess($"{TargetKind} {id}", Describe(changes, comment))) return;

            var connection = GraphConnection;
            var service = CreateService(connection);
            try
            {
                var item = Run(async token =>
                {
                    T updated = null;
                    if (changes.Count > 0) updated = await service.UpdateAsync(id, changes, token).ConfigureAwait(false);
                    if (comment != null)
                    {
                        var comments = await service.AddCommentAsync(id, comment, token).ConfigureAwait(false);
                        if (PassThru)
                        {
                            updated = updated ?? await service.GetAsync(id, token).ConfigureAwait(false);
                            updated.Comments = new ValueList<AlertComment>(comments);
                        }
                    }
                    if (PassThru && updated == null) updated = await service.GetAsync(id, token).ConfigureAwait(false);
                    return updated;
                });
                if (PassThru)
                {
                    item.ConnectionName = connection.Name;
                    WriteObject(item);
                }
            }
            catch (PipelineStoppedException) { throw; }
            catch (Exception ex) { WriteErrorFor(ex, id, connection); }
        }

        /// <summary>The ShouldProcess action, e.g. "Set status=resolved, assignedTo='x', add a comment".</summary>
        private static string Describe(IDictionary<string, object> changes, string comment)
        {
            var parts = changes.Select(c => $"{c.Key}={Show(c.Value)}").ToList();
            if (comment != null) parts.Add("add a comment");
            return parts.Count == 1 && comment != null ? "Add a comment" : "Set " + string.Join(", ", parts);
        }

        private static string Show(object value)
        {
            switch (value)
            {
                case null: return "(none)";
                case string text: return $"'{text}'";
                case IEnumerable items: return "[" + string.Join(", ", items.Cast<object>().Select(Show)) + "]";
                default: return value.ToString();
            }
        }
    }
}
