using System.Text;

namespace Bulwark.Detection.Redaction;

/// <summary>
/// Puts pseudonymized originals back into a complete (non-streamed) response text: every restorable placeholder of
/// the request's <see cref="PseudonymMap"/> is replaced by its original; anything else, including placeholder-like
/// text the map does not know, is left as it is.
/// </summary>
/// <remarks>
/// This works on raw strings. When the text is a JSON string value (message content, tool-call arguments), decode
/// it first and re-serialize after (System.Text.Json escapes the restored originals); do not restore inside
/// undecoded JSON. For streamed responses use <see cref="Streaming.StreamingRestorer"/>, which produces the same result.
/// </remarks>
public static class PseudonymRestorer
{
    /// <summary>The text with originals restored; the same instance when nothing was restored.</summary>
    public static string Restore(string text, PseudonymMap map)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(map);
        if (map.RestorableCount == 0 || !text.Contains('<', StringComparison.Ordinal))
        {
            return text;
        }

        var output = new StringBuilder(text.Length);
        return Restore(text, map, output) ? output.ToString() : text;
    }

    /// <summary>Appends the text with originals restored to <paramref name="output"/>; returns whether anything was restored.</summary>
    public static bool Restore(ReadOnlySpan<char> text, PseudonymMap map, StringBuilder output)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(output);
        bool restored = false;
        while (!text.IsEmpty)
        {
            int lt = text.IndexOf('<');
            if (lt < 0)
            {
                output.Append(text);
                break;
            }

            output.Append(text[..lt]);
            text = text[lt..];
            var match = Match(text, map, out var original);
            if (match == PlaceholderMatch.Known)
            {
                output.Append(original);
                text = text[PlaceholderLength(text)..];
                restored = true;
            }
            else
            {
                output.Append('<');
                text = text[1..];
            }
        }

        return restored;
    }

    /// <summary>What starts at a '<' in a text.</summary>
    internal enum PlaceholderMatch
    {
        /// <summary>No restorable placeholder starts here, whatever follows.</summary>
        None,

        /// <summary>A restorable placeholder starts here and is complete.</summary>
        Known,

        /// <summary>The text ends with a proper prefix of a restorable placeholder: more text could complete it.</summary>
        Prefix,
    }

    /// <summary>Classifies <paramref name="text"/>, which starts with '<'. Placeholders contain one '<' (first) and one '>' (last).</summary>
    internal static PlaceholderMatch Match(ReadOnlySpan<char> text, PseudonymMap map, out string? original)
    {
        original = null;
        var window = text[..Math.Min(text.Length, map.MaxPlaceholderLength)];
        int gt = window.IndexOf('>');
        if (gt >= 0)
        {
            return map.TryGetOriginal(window[..(gt + 1)], out original) ? PlaceholderMatch.Known : PlaceholderMatch.None;
        }

        return map.IsPlaceholderPrefix(text) ? PlaceholderMatch.Prefix : PlaceholderMatch.None;
    }

    private static int PlaceholderLength(ReadOnlySpan<char> text) => text.IndexOf('>') + 1;
}
