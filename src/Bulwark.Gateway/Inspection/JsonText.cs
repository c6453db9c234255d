using System.Text.Json;

namespace Bulwark.Gateway.Inspection;

/// <summary>Helpers shared by the extractors. Every helper fails closed: a field of an unexpected type is an error.</summary>
internal static class JsonText
{
    /// <summary>Adds a string field if present. Absent or null is fine; any other non-string type is malformed.</summary>
    public static bool TryAddOptionalString(JsonElement parent, string property, string? role, string path, List<InspectedText> texts)
    {
        if (!parent.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        Add(value, role, path + "/" + property, texts);
        return true;
    }

    public static void Add(JsonElement value, string? role, string path, List<InspectedText> texts)
    {
        var text = value.GetString()!;
        if (text.Length > 0)
        {
            texts.Add(new InspectedText(text, role, path));
        }
    }

    /// <summary>
    /// Adds every string inside a structured value (Anthropic <c>tool_use.input</c>, Responses tool arguments given as
    /// objects): all of it reaches the model.
    /// </summary>
    public static void AddAllStrings(JsonElement value, string? role, string path, List<InspectedText> texts)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                Add(value, role, path, texts);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    AddAllStrings(item, role, $"{path}/{i++}", texts);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    AddAllStrings(property.Value, role, $"{path}/{Escape(property.Name)}", texts);
                }

                break;
        }
    }

    public static string? RoleOf(JsonElement message) =>
        message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String
            ? role.GetString()!.ToLowerInvariant()
            : null;

    /// <summary>JSON Pointer escaping (RFC 6901) of one path segment.</summary>
    public static string Escape(string name) =>
        name.Contains('~', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal)
            ? name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)
            : name;

    /// <summary>True when an array holds numbers: a prompt or input given as token ids.</summary>
    public static bool IsTokenArray(JsonElement array)
    {
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Number)
            {
                return true;
            }

            if (item.ValueKind == JsonValueKind.Array && IsTokenArray(item))
            {
                return true;
            }
        }

        return false;
    }
}
