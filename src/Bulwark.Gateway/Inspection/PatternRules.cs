using System.Text.RegularExpressions;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Inspection;

/// <summary>What the operator's patterns decided. <see cref="RuleId"/> names the rule, never the text it matched.</summary>
internal readonly record struct PatternVerdict(bool Blocked, string? Code, string? RuleId)
{
    public static PatternVerdict Allow => default;

    public static PatternVerdict Block(string code, string ruleId) => new(true, code, ruleId);
}

/// <summary>
/// The route's <c>deny_patterns</c> (any match blocks) and <c>allow_patterns</c> (every inspected text must match at
/// least one), over the texts of the roles the route inspects. A pattern that times out blocks: it fails closed.
/// </summary>
internal static class PatternRules
{
    public const string DenyPatternCode = "deny_pattern";
    public const string AllowPatternCode = "allow_pattern_mismatch";
    public const string PatternTimeoutCode = "pattern_timeout";

    public static PatternVerdict Evaluate(RouteConfig route, List<InspectedText> texts)
    {
        if (route.DenyPatterns.IsEmpty && route.AllowPatterns.IsEmpty)
        {
            return PatternVerdict.Allow;
        }

        foreach (var text in texts)
        {
            if (!route.InspectRoles.Includes(text.Role))
            {
                continue;
            }

            if (FirstDenyMatch(route.DenyPatterns, text) is { Blocked: true } denied)
            {
                return denied;
            }

            if (route.AllowPatterns.IsEmpty)
            {
                continue;
            }

            var allowed = false;
            foreach (var pattern in route.AllowPatterns)
            {
                var outcome = Match(pattern, text.Text);
                if (outcome == MatchOutcome.Timeout)
                {
                    return PatternVerdict.Block(PatternTimeoutCode, pattern.Id);
                }

                if (outcome == MatchOutcome.Match)
                {
                    allowed = true;
                    break;
                }
            }

            if (!allowed)
            {
                return PatternVerdict.Block(AllowPatternCode, "allow_patterns");
            }
        }

        return PatternVerdict.Allow;
    }

    /// <summary>A consumer's own deny patterns, over every text whatever the route inspects: they only add rules.</summary>
    public static PatternVerdict EvaluateConsumer(DenyPatternSet denyPatterns, List<InspectedText> texts)
    {
        if (denyPatterns.IsEmpty)
        {
            return PatternVerdict.Allow;
        }

        foreach (var text in texts)
        {
            if (FirstDenyMatch(denyPatterns, text) is { Blocked: true } denied)
            {
                return denied;
            }
        }

        return PatternVerdict.Allow;
    }

    /// <summary>
    /// The first deny pattern, in the operator's order, that matches (or times out on) the text. A system prompt that
    /// no pattern matched is remembered as clean; a match or a timeout is never remembered, so it is met again.
    /// </summary>
    private static PatternVerdict FirstDenyMatch(DenyPatternSet patterns, InspectedText text)
    {
        if (patterns.IsEmpty)
        {
            return PatternVerdict.Allow;
        }

        if (!SystemTextCache.Applies(text.Role))
        {
            return FirstDenyMatch(patterns, text.Text);
        }

        if (patterns.CleanSystemPrompts.TryGet(text.Text, out _))
        {
            return PatternVerdict.Allow;
        }

        var verdict = FirstDenyMatch(patterns, text.Text);
        if (!verdict.Blocked)
        {
            patterns.CleanSystemPrompts.Add(text.Text, true);
        }

        return verdict;
    }

    private static PatternVerdict FirstDenyMatch(DenyPatternSet patterns, string text)
    {
        // One pass decides for every screened pattern; when it finds nothing, only the unscreened ones still run.
        var screenMissed = !patterns.ScreenMayMatch(text);
        for (var i = 0; i < patterns.Count; i++)
        {
            if (screenMissed && patterns.SkipsWhenScreenMisses(i))
            {
                continue;
            }

            var pattern = patterns[i];
            switch (Match(pattern, text))
            {
                case MatchOutcome.Match:
                    return PatternVerdict.Block(DenyPatternCode, pattern.Id);
                case MatchOutcome.Timeout:
                    return PatternVerdict.Block(PatternTimeoutCode, pattern.Id);
            }
        }

        return PatternVerdict.Allow;
    }

    private enum MatchOutcome
    {
        NoMatch,
        Match,
        Timeout,
    }

    private static MatchOutcome Match(CompiledPattern pattern, string text)
    {
        if (pattern.Linear)
        {
            return pattern.Regex.IsMatch(text) ? MatchOutcome.Match : MatchOutcome.NoMatch;
        }

        try
        {
            return pattern.Regex.IsMatch(text) ? MatchOutcome.Match : MatchOutcome.NoMatch;
        }
        catch (RegexMatchTimeoutException)
        {
            return MatchOutcome.Timeout;
        }
    }
}
