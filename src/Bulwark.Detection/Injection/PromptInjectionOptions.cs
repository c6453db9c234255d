namespace Bulwark.Detection.Injection;

/// <summary>Settings of <see cref="PromptInjectionDetector"/>. Defaults meet the project's recall and false-positive targets.</summary>
public sealed record PromptInjectionOptions
{
    /// <summary>Score at or above which <see cref="PromptInjectionDetector.Detect"/> reports a finding.</summary>
    public const double DefaultThreshold = 0.5;

    /// <summary>Score at or above which a finding is reported (0..1). Routes may apply their own on top.</summary>
    public double Threshold { get; init; } = DefaultThreshold;

    /// <summary>Longest text analysed in one piece; longer texts are analysed in overlapping windows of this size.</summary>
    public int WindowChars { get; init; } = 64 * 1024;

    /// <summary>At most this many base64/hex payloads are decoded and rescanned per window.</summary>
    public int MaxDecodedPayloads { get; init; } = 8;

    /// <summary>At most this many characters of one decoded payload are rescanned.</summary>
    public int MaxDecodedChars { get; init; } = 8 * 1024;

    /// <summary>Throws when a setting is out of range, naming the setting and its valid range.</summary>
    public void Validate()
    {
        if (Threshold is < 0 or > 1 || double.IsNaN(Threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "Threshold must be between 0 and 1.");
        }

        if (WindowChars < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(WindowChars), WindowChars, "WindowChars must be at least 1024.");
        }

        if (MaxDecodedPayloads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDecodedPayloads), MaxDecodedPayloads, "MaxDecodedPayloads must not be negative.");
        }

        if (MaxDecodedChars < 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDecodedChars), MaxDecodedChars, "MaxDecodedChars must be at least 64.");
        }
    }
}

/// <summary>The outcome of one analysis: a score in 0..1 and the rule families that contributed to it.</summary>
public readonly record struct InjectionAnalysis(double Score, InjectionFamilies Families)
{
    /// <summary>The ids of the contributing families (allocates; for audit rows and reports).</summary>
    public IReadOnlyList<string> FamilyIds => InjectionFamilyIds.IdsOf(Families);
}

/// <summary>An analysis with the ids of every rule that matched, for audit and tuning (allocates).</summary>
public sealed record InjectionReport(double Score, InjectionFamilies Families, IReadOnlyList<string> RuleIds);
