using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace Bulwark.Gateway.Guard;

/// <summary>
/// Reads the judge's answer. Models wrap JSON in code fences, add a sentence before or after it, or change the letter
/// case; all of that is accepted. What is not a verdict is an error (handled by <c>on_error</c>), never a denial or an
/// approval by accident: free text, a JSON object without a <c>result</c> of allow/deny, or two verdicts that disagree.
/// The categories and reason are sanitised and capped so that what reaches the client is short and printable.
/// </summary>
internal static class VerdictParser
{
    public const int MaxCategories = 8;
    public const int MaxCategoryLength = 40;
    public const int MaxReasonLength = 200;

    /// <summary>At most this many candidate objects are tried, so a hostile answer full of braces costs little.</summary>
    private const int MaxCandidates = 32;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowMultipleValues = true, // stop after the object; what follows is the model's chatter
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 16,
    };

    public static GuardVerdict? Parse(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(content);
        GuardVerdict? found = null;
        var candidates = 0;
        var index = 0;
        while (index < bytes.Length && candidates < MaxCandidates)
        {
            var start = Array.IndexOf(bytes, (byte)'{', index);
            if (start < 0)
            {
                break;
            }

            candidates++;
            var (verdict, consumed) = TryReadObject(bytes.AsSpan(start));
            if (verdict is not null)
            {
                if (found is not null && found.Allowed != verdict.Allowed)
                {
                    return null; // "allow" and "deny" in one answer: ambiguous, so no verdict
                }

                found ??= verdict;
            }

            index = start + Math.Max(consumed, 1);
        }

        return found;
    }

    private static (GuardVerdict? Verdict, int Consumed) TryReadObject(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            if (!JsonDocument.TryParseValue(ref reader, out var document))
            {
                return (null, 0);
            }

            using (document)
            {
                return (FromElement(document.RootElement), (int)reader.BytesConsumed);
            }
        }
        catch (JsonException)
        {
            return (null, 0);
        }
    }

    private static GuardVerdict? FromElement(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        bool? allowed = null;
        var categories = ImmutableArray<string>.Empty;
        string? reason = null;
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name.Equals("result", StringComparison.OrdinalIgnoreCase))
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                var result = property.Value.GetString()!.Trim();
                if (result.Equals("allow", StringComparison.OrdinalIgnoreCase) || result.Equals("allowed", StringComparison.OrdinalIgnoreCase))
                {
                    allowed = true;
                }
                else if (result.Equals("deny", StringComparison.OrdinalIgnoreCase) || result.Equals("denied", StringComparison.OrdinalIgnoreCase))
                {
                    allowed = false;
                }
                else
                {
                    return null;
                }
            }
            else if (property.Name.Equals("categories", StringComparison.OrdinalIgnoreCase))
            {
                categories = SanitiseCategories(property.Value);
            }
            else if (property.Name.Equals("reason", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
            {
                reason = SanitiseReason(property.Value.GetString()!);
            }
        }

        return allowed is { } a ? new GuardVerdict(a, a ? [] : categories, reason) : null;
    }

    /// <summary>Labels only: lower-case letters, digits, '_' and '-', at most 8 of 40 characters each.</summary>
    private static ImmutableArray<string> SanitiseCategories(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var labels = ImmutableArray.CreateBuilder<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (labels.Count == MaxCategories)
            {
                break;
            }

            if (item.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var text = item.GetString()!.Trim();
            var label = new StringBuilder(Math.Min(text.Length, MaxCategoryLength));
            foreach (var c in text)
            {
                if (label.Length == MaxCategoryLength)
                {
                    break;
                }

                if (char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-')
                {
                    label.Append(char.ToLowerInvariant(c));
                }
                else if (c == ' ' && label.Length > 0 && label[^1] != '_')
                {
                    label.Append('_');
                }
            }

            var s = label.ToString().Trim('_');
            if (s.Length > 0 && !labels.Contains(s))
            {
                labels.Add(s);
            }
        }

        return labels.ToImmutable();
    }

    /// <summary>Printable text on one line, at most <see cref="MaxReasonLength"/> characters.</summary>
    private static string? SanitiseReason(string text)
    {
        var reason = new StringBuilder(Math.Min(text.Length, MaxReasonLength));
        foreach (var c in text)
        {
            if (reason.Length >= MaxReasonLength)
            {
                break;
            }

            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                if (reason.Length > 0 && reason[^1] != ' ')
                {
                    reason.Append(' ');
                }
            }
            else if (char.GetUnicodeCategory(c) is not (System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.Surrogate
                or System.Globalization.UnicodeCategory.PrivateUse or System.Globalization.UnicodeCategory.OtherNotAssigned))
            {
                reason.Append(c);
            }
        }

        var s = reason.ToString().Trim();
        return s.Length == 0 ? null : s;
    }
}
