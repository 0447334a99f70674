using System;
using System.Collections;
using System.Management.Automation;
using GraphSecurity.Commands.Base;
using Xunit;

namespace GraphSecurity.Commands.Tests;

/// <summary>
/// The Validate* attributes as PowerShell runs them while binding: a script parameter carries the
/// attribute, a good value binds, a bad one fails with a message that names the parameter and says
/// what is expected.
/// </summary>
public class ValidationAttributeTests : IClassFixture<PowerShellSession>
{
    private const string Base = "GraphSecurity.Commands.Base.";
    private readonly PowerShellSession _session;

    public ValidationAttributeTests(PowerShellSession session) { _session = session; }

    /// <summary>Binds the value to -Value declared as <paramref name="declaration"/>; the binding error's message, or null when it bound.</summary>
    private string Bind(string declaration, object value)
    {
        var outcome = _session.Invoke($"param({declaration} $Value) 'bound'", new Hashtable { ["Value"] = value });
        if (outcome.Terminating == null)
        {
            Assert.Equal(new[] { "bound" }, outcome.Strings);
            return null;
        }
        var binding = Assert.IsAssignableFrom<ParameterBindingException>(outcome.Terminating);
        Assert.Equal("ParameterArgumentValidationError", binding.ErrorId);
        Assert.Contains("Cannot validate argument on parameter 'Value'", binding.Message);
        return binding.Message;
    }

    [Theory]
    [InlineData("[" + Base + "ValidateText()][string]", "plain text, with punctuation: ok?")]
    [InlineData("[" + Base + "ValidateText()][string]", "two\nlines\r\nand a\ttab")]
    [InlineData("[" + Base + "ValidateText(SingleLine = $true)][string]", "contoso-app")]
    [InlineData("[" + Base + "ValidateGuid()][string]", "6a7f3c1e-52d4-4b8e-9f0a-3e5d7c9b1a20")]
    [InlineData("[" + Base + "ValidateTenant()][string]", "6a7f3c1e-52d4-4b8e-9f0a-3e5d7c9b1a20")]
    [InlineData("[" + Base + "ValidateTenant()][string]", "contoso.onmicrosoft.com")]
    [InlineData("[" + Base + "ValidateTenant()][string]", "sub.Contoso-Labs.example")]
    [InlineData("[" + Base + "ValidateMoment()][datetime]", "2026-11-20T08:00:00Z")]
    [InlineData("[" + Base + "ValidateDuration(1, 3600)][timespan]", "00:00:01")]
    [InlineData("[" + Base + "ValidateDuration(1, 3600)][timespan]", "01:00:00")]
    [InlineData("[" + Base + "ValidateKnownValue()][GraphSecurity.TiAction]", "Block")]
    [InlineData("[" + Base + "ValidateKnownValue(AllowUnknown = $true)][GraphSecurity.TiAction]", "Unknown")]
    public void A_good_value_binds(string declaration, string value) => Assert.Null(Bind(declaration, value));

    [Theory]
    [InlineData("[" + Base + "ValidateText()][string]", "bell\u0007here", "'bell\\u0007here' holds the control character \\u0007; remove it")]
    [InlineData("[" + Base + "ValidateText(SingleLine = $true)][string]", "two\nlines", "holds the control character \\u000a")]
    [InlineData("[" + Base + "ValidateText(SingleLine = $true)][string]", "a\ttab", "holds the control character \\u0009")]
    [InlineData("[" + Base + "ValidateGuid(What = 'an application (client) id')][string]", "my-app", "'my-app' is not an application (client) id: it is a GUID such as")]
    [InlineData("[" + Base + "ValidateGuid()][string]", "6a7f3c1e-52d4", "'6a7f3c1e-52d4' is not an id: it is a GUID")]
    [InlineData("[" + Base + "ValidateTenant()][string]", "contoso", "'contoso' is not a tenant: give the tenant's GUID or one of its domains")]
    [InlineData("[" + Base + "ValidateTenant()][string]", "contoso .com", "is not a tenant")]
    [InlineData("[" + Base + "ValidateTenant()][string]", "-contoso.com", "is not a tenant")]
    [InlineData("[" + Base + "ValidateMoment()][datetime]", "1969-12-31T23:59:59Z", "is outside the dates this parameter takes (1970-01-01 to 9999-12-30)")]
    [InlineData("[" + Base + "ValidateMoment()][datetime]", "9999-12-31T00:00:00Z", "leave the parameter out to set no limit")]
    [InlineData("[" + Base + "ValidateDuration(1, 3600)][timespan]", "00:00:00.5", "00:00:00.5000000 is not between 00:00:01 and 01:00:00")]
    [InlineData("[" + Base + "ValidateDuration(1, 3600)][timespan]", "1.00:00:00", "1.00:00:00 is not between 00:00:01 and 01:00:00")]
    [InlineData("[" + Base + "ValidateKnownValue()][GraphSecurity.TiAction]", "UnknownFutureValue", "'UnknownFutureValue' cannot be used: it is the API's placeholder for values this module does not know")]
    [InlineData("[" + Base + "ValidateKnownValue()][GraphSecurity.TiAction]", "Unknown", "'Unknown' cannot be used: the service gives it to no item here. Use one of: Allow, Block, Alert.")]
    public void A_bad_value_fails_binding_with_a_message_that_says_what_is_expected(string declaration, string value, string expected) =>
        Assert.Contains(expected, Bind(declaration, value));

    [Fact]
    public void Each_element_of_an_array_is_checked()
    {
        var declaration = "[" + Base + "ValidateGuid()][string[]]";
        Assert.Null(Bind(declaration, new[] { Guid.NewGuid().ToString(), Guid.NewGuid().ToString() }));
        Assert.Contains("'second' is not an id", Bind(declaration, new[] { Guid.NewGuid().ToString(), "second" }));
    }

    [Fact]
    public void A_date_time_offset_is_checked_by_its_UTC_moment()
    {
        var declaration = "[" + Base + "ValidateMoment()][datetimeoffset]";
        Assert.Null(Bind(declaration, new DateTimeOffset(1970, 1, 1, 1, 0, 0, TimeSpan.FromHours(1))));
        Assert.Contains("1969-12-31 23:00:00 is outside", Bind(declaration, new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.FromHours(1))));
    }

    [Theory]
    [InlineData("1970-01-01T00:00:00Z", true)]
    [InlineData("1969-12-31T23:59:59Z", false)]
    [InlineData("9999-12-29T23:59:59Z", true)]
    [InlineData("9999-12-30T00:00:00Z", false)]
    public void The_services_store_moments_from_1970_up_to_the_last_days_of_9999(string utc, bool representable)
    {
        var moment = DateTime.Parse(utc, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.Equal(representable, ValidateMomentAttribute.IsRepresentable(moment));
    }

    [Fact]
    public void The_extremes_of_DateTime_are_not_representable_and_do_not_overflow()
    {
        Assert.False(ValidateMomentAttribute.IsRepresentable(DateTime.MinValue));
        Assert.False(ValidateMomentAttribute.IsRepresentable(DateTime.MaxValue));
    }

    [Theory]
    [InlineData(false, new[] { "Allow", "Block", "Alert" })]
    [InlineData(true, new[] { "Unknown", "Allow", "Block", "Alert" })]
    public void The_members_a_parameter_takes_never_include_the_placeholder(bool allowUnknown, string[] members) =>
        Assert.Equal(members, ValidateKnownValueAttribute.Members(typeof(TiAction), allowUnknown));
}
