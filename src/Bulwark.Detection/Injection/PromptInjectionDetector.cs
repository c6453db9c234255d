using System.Buffers;

namespace Bulwark.Detection.Injection;

/// <summary>
/// Scores a text for prompt injection: instruction override, role-play jailbreaks, system-prompt extraction,
/// chat-template smuggling, indirect injection in pasted content and obfuscated variants of all of these, in English,
/// Chinese and a few other languages. Weighted rule hits combine with diminishing returns,
/// <c>score = 1 - Π(1 - wᵢ)</c>, so a strong pattern alone crosses the threshold and weak cues need company.
/// <para>
/// The algorithm: (1) a prefilter on keywords, suspicious code points and obfuscation shapes returns 0 for most
/// clean text without allocating; (2) the text is normalised once into a pooled buffer (case, invisible and tag
/// characters, fullwidth, homoglyphs, leetspeak, spaced letters); (3) one pass finds which rule anchors occur, and only
/// the rules with an anchor present run, plus the structural combinations of role-play cues; (4) base64 and hex runs
/// are decoded and rescanned, and a ROT13 pass runs when ROT13 keywords appear; (5) hits are combined into a score.
/// </para>
/// Reports at most one finding per text, spanning the whole text.
/// </summary>
public sealed class PromptInjectionDetector : IDetector
{
    private const int MaxDecodeDepth = 2;
    private const int WindowOverlap = 512;

    private static readonly IReadOnlyList<InjectionRule> Rules = InjectionRules.Default;

    // One table of every rule's anchors: one pass over the text decides which rules can match at all.
    private static readonly InjectionAnchors Anchors = new(Rules);

    // Synthetic hits live after the rules in the hit array.
    private static readonly int EncodedPayloadSlot = Rules.Count;
    private static readonly int ObfuscatedTextSlot = Rules.Count + 1;
    private static readonly int HiddenTagTextSlot = Rules.Count + 2;
    private static readonly int PersonaComplianceSlot = Rules.Count + 3;
    private static readonly int DenseImperativesSlot = Rules.Count + 4;
    private static readonly int SlotCount = Rules.Count + 5;

    private static readonly string[] SyntheticIds =
    [
        "obfuscation.encoded_payload", "obfuscation.normalised_text", "obfuscation.tag_characters",
        "roleplay_jailbreak.persona_with_compliance", "roleplay_jailbreak.dense_imperatives",
    ];

    private readonly PromptInjectionOptions _options;
    private readonly InjectionClassifier? _classifier;

    /// <summary>A detector with the default rules and <see cref="PromptInjectionOptions.DefaultThreshold"/>.</summary>
    public PromptInjectionDetector()
        : this(new PromptInjectionOptions())
    {
    }

    /// <summary>A detector with the default rules and the given options.</summary>
    public PromptInjectionDetector(PromptInjectionOptions options)
        : this(options, InjectionClassifier.Default)
    {
    }

    /// <summary>A detector with the given learned classifier, or with the rules alone when it is null (the trainer scores the rules apart).</summary>
    internal PromptInjectionDetector(PromptInjectionOptions options, InjectionClassifier? classifier)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _classifier = classifier;
    }

    /// <summary>
    /// Builds every rule's automaton and runs each once, so that no request pays for it. Rules are otherwise built on
    /// first use; call this once at start-up (the gateway does). Later calls return at once. Thread-safe.
    /// </summary>
    public static void WarmUp() => _ = WarmUpOnce.Value;

    private static readonly Lazy<bool> WarmUpOnce = new(() =>
    {
        // Each rule gets a text holding all of its anchors, so its automaton is built and has matched once.
        Parallel.ForEach(Rules, rule => rule.Regex.IsMatch(string.Join(' ', rule.Anchors)));
        return true;
    });

    /// <summary>The stable detector name reported in findings.</summary>
    public const string DetectorName = "injection.prompt";

    /// <inheritdoc />
    public string Name => DetectorName;

    /// <inheritdoc />
    public IReadOnlyList<string> Entities { get; } = [EntityTypes.PromptInjection];

    /// <summary>The score at or above which <see cref="Detect"/> reports.</summary>
    public double Threshold => _options.Threshold;

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, List<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (!InjectionPrefilter.IsSuspicious(text))
        {
            return;
        }

        // Only the verdict at this threshold matters here, so rules that cannot lift the score to it are skipped.
        Span<bool> hits = stackalloc bool[SlotCount];
        double learned = 0;
        Collect(text, hits, ref learned, _options.Threshold);
        double score = Combine(hits, learned).Score;
        if (score >= _options.Threshold && score > 0)
        {
            findings.Add(new Finding(EntityTypes.PromptInjection, 0, text.Length, score, DetectorName));
        }
    }

    /// <summary>The injection score of <paramref name="text"/> in 0..1 (0 for clean text).</summary>
    public double Score(ReadOnlySpan<char> text) => Analyze(text).Score;

    /// <summary>Score and contributing families, without allocating.</summary>
    public InjectionAnalysis Analyze(ReadOnlySpan<char> text)
    {
        if (!InjectionPrefilter.IsSuspicious(text))
        {
            return default;
        }

        Span<bool> hits = stackalloc bool[SlotCount];
        double learned = 0;
        Collect(text, hits, ref learned, prune: 0);
        return Combine(hits, learned);
    }

    /// <summary>Like <see cref="Analyze"/>, plus the ids of the rules that matched. Allocates; for audit and tuning.</summary>
    public InjectionReport Explain(ReadOnlySpan<char> text)
    {
        if (!InjectionPrefilter.IsSuspicious(text))
        {
            return new InjectionReport(0, InjectionFamilies.None, []);
        }

        Span<bool> hits = stackalloc bool[SlotCount];
        double learned = 0;
        Collect(text, hits, ref learned, prune: 0);
        InjectionAnalysis analysis = Combine(hits, learned);
        var ids = new List<string>();
        for (int i = 0; i < hits.Length; i++)
        {
            if (hits[i])
            {
                ids.Add(i < Rules.Count ? Rules[i].Id : SyntheticIds[i - Rules.Count]);
            }
        }

        if (learned > 0)
        {
            ids.Add(InjectionClassifier.RuleId);
        }

        return new InjectionReport(analysis.Score, analysis.Families, ids);
    }

    /// <summary>
    /// Steps 2 to 4 over the text, in windows when it is long. With <paramref name="prune"/> above 0, a single-window
    /// text skips its rules when even all of the rules whose anchors occur could not reach that score.
    /// <paramref name="learned"/> receives the learned classifier's hit weight, the highest over the windows.
    /// </summary>
    private void Collect(ReadOnlySpan<char> text, Span<bool> hits, ref double learned, double prune)
    {
        int window = _options.WindowChars;
        if (text.Length <= window)
        {
            Scan(text, hits, ref learned, depth: 0, prune);
            return;
        }

        // Hits add up across windows, so no window may be skipped on its own bound.
        for (int start = 0; start < text.Length; start += window - WindowOverlap)
        {
            ReadOnlySpan<char> piece = text.Slice(start, Math.Min(window, text.Length - start));
            if (InjectionPrefilter.IsSuspicious(piece))
            {
                Scan(piece, hits, ref learned, depth: 0, prune: 0);
            }

            if (start + window >= text.Length)
            {
                break;
            }
        }
    }

    /// <summary>Steps 2 to 4 over one piece of text; records hits, and at depth 0 the learned classifier's hit weight.</summary>
    private void Scan(ReadOnlySpan<char> text, Span<bool> hits, ref double learned, int depth, double prune)
    {
        char[] buffer = ArrayPool<char>.Shared.Rent(Math.Max(text.Length, 1));
        try
        {
            // 2. normalise, once
            var signals = default(NormalizationSignals);
            int length = InjectionNormalizer.Normalize(text, buffer, ref signals);
            ReadOnlySpan<char> normalised = buffer.AsSpan(0, length);
            if (signals.TagCharacters >= 6)
            {
                hits[HiddenTagTextSlot] = true;
            }

            // 4a. decoded payloads first, so that their hits count in the bound below
            bool decode = depth < MaxDecodeDepth;
            if (decode)
            {
                ScanEncodedRuns(text, hits, depth);
            }

            bool rot13 = decode && normalised.IndexOfAny(InjectionPrefilter.Rot13Anchors) >= 0;

            // 3a. the learned classifier reads the text as the user wrote it, not decoded payloads
            if (depth == 0 && _classifier is not null)
            {
                learned = Math.Max(learned, _classifier.HitWeight(normalised));
            }

            // 3b. rules (a ROT13 pass may still add hits, so no pruning then)
            bool obfuscated = IsObfuscated(signals);
            MatchRules(normalised, hits, learned, rot13 ? 0 : prune, obfuscated, out bool matched);
            if (matched && obfuscated)
            {
                hits[ObfuscatedTextSlot] = true;
            }

            // 4b. ROT13
            if (rot13)
            {
                Span<char> rotated = buffer.AsSpan(0, length);
                PayloadDecoder.Rot13(rotated, rotated);
                if (MatchRules(rotated, hits, learned, prune: 0, obfuscated: false, out _))
                {
                    hits[EncodedPayloadSlot] = true;
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static bool IsObfuscated(NormalizationSignals signals) =>
        signals.Invisible > 0 || signals.Homoglyphs > 0 || signals.SpacedLetters > 0 || signals.Fullwidth > 0
        || signals.TagCharacters > 0 || signals.Leetspeak >= 3;

    /// <summary>
    /// Runs the rules whose anchors occur in <paramref name="normalised"/>. Returns whether a rule not hit before
    /// matched; <paramref name="matched"/> tells whether any rule matched this text at all. With
    /// <paramref name="prune"/> above 0 (the last pass of a <see cref="Detect"/>), rules run heaviest first and the
    /// bound on the score is lowered by every rule that misses: as soon as even all the rules still possible could not
    /// bring the score to <paramref name="prune"/>, the rest are skipped. An app's system prompt ("You are a support
    /// assistant … Never promise refunds") has the anchors of several role-play cues; once the heavy ones miss, the
    /// weak ones cannot make an attack of it.
    /// </summary>
    private static bool MatchRules(ReadOnlySpan<char> normalised, Span<bool> hits, double learned, double prune, bool obfuscated, out bool matched)
    {
        Span<bool> present = stackalloc bool[Anchors.Count];
        Anchors.Mark(normalised, present);
        Span<bool> possible = stackalloc bool[Rules.Count];
        Anchors.MarkRules(present, possible);
        matched = false;
        var bound = prune > 0 ? UpperBound(hits, possible, learned, obfuscated) : default;
        if (prune > 0 && bound.Score < prune)
        {
            return false;
        }

        bool added = false;
        bool persona = false;
        bool compliance = false;
        foreach (int i in RulesByWeight)
        {
            if (possible[i])
            {
                if (hits[i])
                {
                    // Hit in an earlier pass: the only news is whether this text matches too, once nothing else has.
                    matched = matched || Rules[i].Regex.IsMatch(normalised);
                }
                else if (Rules[i].Regex.IsMatch(normalised))
                {
                    matched = true;
                    added = true;
                    hits[i] = true;
                }
                else if (prune > 0)
                {
                    bound = bound.Without(Rules[i].Weight);
                    if (bound.Score < prune - BoundTolerance)
                    {
                        return added; // the score stays below the threshold whatever the remaining rules do
                    }
                }
            }

            persona |= hits[i] && Rules[i].Cue == InjectionCue.Persona;
            compliance |= hits[i] && Rules[i].Cue == InjectionCue.Compliance;
        }

        // How role-play jailbreaks are built: a persona plus removed rules or demanded compliance, usually inside a
        // long list of orders to the model. Either cue alone is common in benign prompts; together they are not.
        if (compliance)
        {
            hits[PersonaComplianceSlot] |= persona;
            hits[DenseImperativesSlot] |= InjectionRules.CountImperatives(normalised) >= InjectionRules.DenseImperativeCount;
        }

        return added;
    }

    /// <summary>Slack for the rounding of dividing misses out of the bound: never prune a text that could land exactly on the threshold.</summary>
    private const double BoundTolerance = 1e-9;

    /// <summary>Rule indexes, heaviest first: pruning on misses then cuts the bound fastest.</summary>
    private static readonly int[] RulesByWeight = [.. Enumerable.Range(0, Rules.Count).OrderByDescending(i => Rules[i].Weight).ThenBy(i => i)];

    /// <summary>
    /// An upper bound on the score as a product of (1 − weight) over every hit and possible hit, with weights of 1
    /// counted apart so a miss can be divided out exactly.
    /// </summary>
    private readonly record struct ScoreBound(double Keep, int Certain)
    {
        public double Score => Certain > 0 ? 1 : 1 - Keep;

        public ScoreBound Without(double weight) => weight >= 1 ? this with { Certain = Certain - 1 } : this with { Keep = Keep / (1 - weight) };
    }

    /// <summary>The highest score the text could still reach: every hit so far, every rule whose anchors occur and the learned hit.</summary>
    private static ScoreBound UpperBound(ReadOnlySpan<bool> hits, ReadOnlySpan<bool> possible, double learned, bool obfuscated)
    {
        double keep = 1 - learned;
        int certain = 0;
        bool cues = false;
        for (int i = 0; i < Rules.Count; i++)
        {
            if (hits[i] || possible[i])
            {
                Multiply(Rules[i].Weight);
                cues |= Rules[i].Cue != InjectionCue.None;
            }
        }

        for (int slot = Rules.Count; slot < SlotCount; slot++)
        {
            bool reachable = hits[slot]
                || (slot == ObfuscatedTextSlot && obfuscated)
                || ((slot == PersonaComplianceSlot || slot == DenseImperativesSlot) && cues);
            if (reachable)
            {
                Multiply(Synthetic(slot).Weight);
            }
        }

        return new ScoreBound(keep, certain);

        void Multiply(double weight)
        {
            if (weight >= 1)
            {
                certain++;
            }
            else
            {
                keep *= 1 - weight;
            }
        }
    }

    /// <summary>Finds base64 and hex runs in the raw text, decodes a bounded number of them and rescans the text.</summary>
    private void ScanEncodedRuns(ReadOnlySpan<char> text, Span<bool> hits, int depth)
    {
        int decodedPayloads = 0;
        char[]? decoded = null;
        Span<bool> inner = stackalloc bool[SlotCount];
        try
        {
            int i = 0;
            while (decodedPayloads < _options.MaxDecodedPayloads && PayloadDecoder.NextLongRun(text, ref i, out int start))
            {
                ReadOnlySpan<char> run = text[start..i];
                bool allHex = !run.ContainsAnyExcept(HexDigits);

                int maxRunChars = _options.MaxDecodedChars * 2;
                if (run.Length > maxRunChars)
                {
                    run = run[..(maxRunChars / 4 * 4)];
                }

                decoded ??= ArrayPool<char>.Shared.Rent(_options.MaxDecodedChars * 2);
                int chars = allHex && run.Length % 2 == 0 ? PayloadDecoder.TryDecodeHex(run, decoded) : 0;
                if (chars == 0)
                {
                    chars = PayloadDecoder.TryDecodeBase64(run, decoded);
                }

                if (chars == 0)
                {
                    continue;
                }

                decodedPayloads++;
                inner.Clear();
                double ignored = 0;
                Scan(decoded.AsSpan(0, Math.Min(chars, _options.MaxDecodedChars)), inner, ref ignored, depth + 1, prune: 0);
                MergeDecoded(inner, hits);
            }
        }
        finally
        {
            if (decoded is not null)
            {
                ArrayPool<char>.Shared.Return(decoded);
            }
        }
    }

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private static void MergeDecoded(ReadOnlySpan<bool> inner, Span<bool> hits)
    {
        bool any = false;
        for (int i = 0; i < inner.Length; i++)
        {
            if (inner[i])
            {
                hits[i] = true;
                any = true;
            }
        }

        if (any)
        {
            hits[EncodedPayloadSlot] = true;
        }
    }

    /// <summary>Step 5: 1 - Π(1 - wᵢ) over the distinct hits and the learned hit (which adds no family).</summary>
    private static InjectionAnalysis Combine(ReadOnlySpan<bool> hits, double learned)
    {
        double keep = 1 - learned;
        InjectionFamilies families = InjectionFamilies.None;
        for (int i = 0; i < hits.Length; i++)
        {
            if (!hits[i])
            {
                continue;
            }

            (double weight, InjectionFamilies family) = i < Rules.Count
                ? (Rules[i].Weight, Rules[i].Family)
                : Synthetic(i);
            keep *= 1 - weight;
            families |= family;
        }

        return new InjectionAnalysis(Math.Round(1 - keep, 4), families);
    }

    private static (double Weight, InjectionFamilies Family) Synthetic(int slot) =>
        slot == EncodedPayloadSlot ? (InjectionRules.EncodedPayloadWeight, InjectionFamilies.Obfuscation)
        : slot == ObfuscatedTextSlot ? (InjectionRules.ObfuscatedTextWeight, InjectionFamilies.Obfuscation)
        : slot == HiddenTagTextSlot ? (InjectionRules.HiddenTagTextWeight, InjectionFamilies.Obfuscation)
        : slot == PersonaComplianceSlot ? (InjectionRules.PersonaComplianceWeight, InjectionFamilies.RoleplayJailbreak)
        : (InjectionRules.DenseImperativesWeight, InjectionFamilies.RoleplayJailbreak);
}
