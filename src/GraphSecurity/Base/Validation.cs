using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace GraphSecurity.Commands.Base
{
    // Parameter checks that run while PowerShell binds the value, so bad input fails with a message
    // that names the parameter and says what is expected, before anything is sent. The consistency
    // test (tests/Module/Consistency.Tests.ps1) requires one on every string, date and number parameter.

    /// <summary>Text without control characters (tab and line breaks allowed unless <see cref="SingleLine"/>).</summary>
    public sealed class ValidateTextAttribute : ValidateEnumeratedArgumentsAttribute
    {
        /// <summary>Also refuse tab and line breaks: names, ids, paths and other one-line values.</summary>
        public bool SingleLine { get; set; }

        protected override void ValidateElement(object element)
        {
            if (!(element is string text)) return;
            foreach (var c in text)
                if (char.IsControl(c) && (SingleLine || (c != '\t' && c != '\r' && c != '\n')))
                    throw new ValidationMetadataException(
                        $"'{GraphSecurity.Engine.Http.ItemIds.Printable(text)}' holds the control character \\u{(int)c:x4}; remove it (copied text sometimes carries one).");
        }
    }

    /// <summary>A GUID, such as an application (client) id or an object id.</summary>
    public sealed class ValidateGuidAttribute : ValidateEnumeratedArgumentsAttribute
    {
        /// <summary>What the value is, for the message, e.g. "an application (client) id".</summary>
        public string What { get; set; } = "an id";

        protected override void ValidateElement(object element)
        {
            if (!(element is string text) || Guid.TryParse(text, out _)) return;
            throw new ValidationMetadataException(
                $"'{GraphSecurity.Engine.Http.ItemIds.Printable(text)}' is not {What}: it is a GUID such as 6a7f3c1e-52d4-4b8e-9f0a-3e5d7c9b1a20 (the app registration's overview shows it).");
        }
    }

    /// <summary>A tenant: its GUID, or a verified domain such as contoso.onmicrosoft.com.</summary>
    public sealed class ValidateTenantAttribute : ValidateEnumeratedArgumentsAttribute
    {
        private static readonly Regex Domain = new Regex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        protected override void ValidateElement(object element)
        {
            if (!(element is string text) || Guid.TryParse(text, out _) || Domain.IsMatch(text)) return;
            throw new ValidationMetadataException(
                $"'{GraphSecurity.Engine.Http.ItemIds.Printable(text)}' is not a tenant: give the tenant's GUID or one of its domains (e.g. contoso.onmicrosoft.com).");
        }
    }

    /// <summary>A point in time the services can store: from 1970 to the end of 9999.</summary>
    public sealed class ValidateMomentAttribute : ValidateArgumentsAttribute
    {
        public static readonly DateTime Earliest = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        public static readonly DateTime Latest = new DateTime(9999, 12, 30, 0, 0, 0, DateTimeKind.Utc);

        public static bool IsRepresentable(DateTime value)
        {
            // Far outside the range no conversion is needed (and near DateTime's own limits it would fail).
            if (value < Earliest.AddDays(-1) || value > Latest.AddDays(1)) return false;
            // Local times are converted on the way out, so their UTC value must be in range as well.
            var utc = value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime();
            return utc >= Earliest && utc < Latest;
        }

        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            if (arguments is PSObject wrapped) arguments = wrapped.BaseObject;
            DateTime moment;
            switch (arguments)
            {
                case DateTime time: moment = time; break;
                case DateTimeOffset offset: moment = offset.UtcDateTime; break;
                default: return;
            }
            if (!IsRepresentable(moment))
                throw new ValidationMetadataException(string.Format(CultureInfo.InvariantCulture,
                    "{0:yyyy-MM-dd HH:mm:ss} is outside the dates this parameter takes ({1:yyyy-MM-dd} to {2:yyyy-MM-dd}); leave the parameter out to set no limit.",
                    moment, Earliest, Latest));
        }
    }

    /// <summary>A duration between <see cref="MinimumSeconds"/> and <see cref="MaximumSeconds"/>.</summary>
    public sealed class ValidateDurationAttribute : ValidateArgumentsAttribute
    {
        public ValidateDurationAttribute(double minimumSeconds, double maximumSeconds)
        {
            MinimumSeconds = minimumSeconds;
            MaximumSeconds = maximumSeconds;
        }

        public double MinimumSeconds { get; }
        public double MaximumSeconds { get; }

        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            if (arguments is PSObject wrapped) arguments = wrapped.BaseObject;
            if (!(arguments is TimeSpan duration)) return;
            if (duration.TotalSeconds >= MinimumSeconds && duration.TotalSeconds <= MaximumSeconds) return;
            throw new ValidationMetadataException(string.Format(CultureInfo.InvariantCulture,
                "{0} is not between {1} and {2}.", duration, TimeSpan.FromSeconds(MinimumSeconds), TimeSpan.FromSeconds(MaximumSeconds)));
        }
    }
}

namespace GraphSecurity.Commands.Base
{
    /// <summary>
    /// The members of an enumeration a parameter takes: never UnknownFutureValue (the API's placeholder
    /// for members a client does not know, which no item has), and not Unknown unless
    /// <see cref="AllowUnknown"/> (classification and determination are "unknown" until someone sets them;
    /// no alert has severity or status "unknown"). It says why such a member cannot be used; the
    /// parameter's ValidateSet, written after it, lists the same members for Tab completion and help
    /// (PowerShell completes enumerations from ValidateSet only), and a test keeps the two equal.
    /// </summary>
    public sealed class ValidateKnownValueAttribute : ValidateEnumeratedArgumentsAttribute
    {
        public bool AllowUnknown { get; set; }

        public static bool Allows(string member, bool allowUnknown) =>
            member != "UnknownFutureValue" && (allowUnknown || member != "Unknown");

        public static System.Collections.Generic.IEnumerable<string> Members(Type enumType, bool allowUnknown) =>
            Enum.GetNames(enumType).Where(m => Allows(m, allowUnknown));

        protected override void ValidateElement(object element)
        {
            if (element is PSObject wrapped) element = wrapped.BaseObject;
            if (!(element is Enum member) || Allows(member.ToString(), AllowUnknown)) return;
            var why = member.ToString() == "Unknown"
                ? "the service gives it to no item here"
                : "it is the API's placeholder for values this module does not know, and no item has it";
            throw new ValidationMetadataException(
                $"'{member}' cannot be used: {why}. Use one of: {string.Join(", ", Members(member.GetType(), AllowUnknown))}.");
        }
    }

    /// <summary>
    /// A Sentinel workspace: its workspace id (GUID) or its ARM resource id. Nothing (a piped
    /// Defender or Graph indicator has no workspace) passes: the connection's workspace then applies.
    /// </summary>
    public sealed class ValidateWorkspaceAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            if (arguments is PSObject wrapped) arguments = wrapped.BaseObject;
            if (!(arguments is string text) || text.Length == 0) return;
            if (GraphSecurity.Engine.TiIndicators.SentinelWorkspace.Parse(text, out var reason) == null) throw new ValidationMetadataException(reason);
        }
    }
}
