using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bulwark.Gateway.Scanning;

/// <summary>Replaces string values in a JSON body at JSON pointers (RFC 6901) and serialises it again.</summary>
internal static class JsonRewriter
{
    /// <summary>Keeps non-ASCII text (Chinese prompts) as UTF-8 rather than \u escapes; bodies go to APIs, not HTML.</summary>
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Rewrite(ReadOnlyMemory<byte> body, IReadOnlyList<(string Path, string Text)> replacements)
    {
        var root = JsonNode.Parse(body.Span) ?? throw new InvalidOperationException("A body that parsed before rewriting no longer parses.");
        foreach (var (path, text) in replacements)
        {
            Set(root, path, text);
        }

        return JsonSerializer.SerializeToUtf8Bytes(root, Options);
    }

    private static void Set(JsonNode root, string pointer, string value)
    {
        var segments = pointer.Split('/');
        var node = root;
        for (var i = 1; i < segments.Length - 1; i++)
        {
            node = Child(node, Unescape(segments[i])) ?? throw new InvalidOperationException($"JSON pointer {pointer} does not resolve.");
        }

        var last = Unescape(segments[^1]);
        switch (node)
        {
            case JsonObject obj:
                obj[last] = JsonValue.Create(value);
                break;
            case JsonArray array:
                array[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = JsonValue.Create(value);
                break;
            default:
                throw new InvalidOperationException($"JSON pointer {pointer} does not end in an object or array.");
        }
    }

    private static JsonNode? Child(JsonNode node, string segment) => node switch
    {
        JsonObject obj => obj[segment],
        JsonArray array => array[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)],
        _ => null,
    };

    private static string Unescape(string segment) =>
        segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
}
