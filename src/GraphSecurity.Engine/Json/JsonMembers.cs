using System.Text.Json;

namespace GraphSecurity.Engine.Json;

/// <summary>Lenient reads of an answer's members: the services add and omit fields (successor-apis.md §8).</summary>
public static class JsonMembers
{
    /// <summary>The member's string value; null when the element is not an object or the member is absent or not a string.</summary>
    public static string? StringOf(this JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
