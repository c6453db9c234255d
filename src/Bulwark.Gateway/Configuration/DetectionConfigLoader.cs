using System.Collections.Frozen;
using Bulwark.Detection;
using Bulwark.Detection.Custom;
using Bulwark.Detection.Engine;
using Bulwark.Detection.Policy;
using Bulwark.Detection.Redaction;
using Bulwark.Detection.Streaming;
using Bulwark.Gateway.Credentials;

namespace Bulwark.Gateway.Configuration;

/// <summary>
/// A route's detection settings, compiled: the engine (built-in detectors plus the route's custom entities), the
/// policy, and the redactor with its hash key.
/// </summary>
internal sealed record RouteDetection(
    DetectionEngine Engine,
    PolicyEvaluator Evaluator,
    Redactor Redactor,
    bool ScanResponses,
    StreamingRedactorOptions Streaming)
{
    /// <summary>
    /// True when some response rule (or the default) does more than log, so answers must be processed. Fixed per
    /// route: computed once, not per request.
    /// </summary>
    public bool HasResponseRules { get; } = HasActingResponseRule(Evaluator.Policy);

    /// <summary>Whether answers on this route are inspected at all: scanning is on and some response rule acts.</summary>
    public bool InspectsAnswers => ScanResponses && HasResponseRules;

    /// <summary>
    /// The engine answers are scanned with. The prompt-injection detector is left out unless a response rule for
    /// <c>PROMPT_INJECTION</c> does more than log: an instruction override is an attack on the model's input, and on
    /// streams it was four fifths of the per-event detection cost (each released delta rescans its context). Personal
    /// data and credentials are still found, and counted even where they are only logged.
    /// </summary>
    public DetectionEngine ResponseEngine { get; } = ActsInResponses(Evaluator.Policy, EntityTypes.PromptInjection)
        ? Engine
        : new DetectionEngine(Engine.Detectors.Where(d => !d.Entities.All(e => e == EntityTypes.PromptInjection)));

    /// <summary>Findings of this route's system prompts, which repeat from request to request (Scanning/SystemPromptCache).</summary>
    public Scanning.SystemPromptCache SystemPrompts { get; } = new();

    private static bool ActsInResponses(DetectionPolicy policy, string entity) =>
        (policy.Response.TryGetValue(entity, out var rule) ? rule : policy.DefaultRule).Action != PolicyAction.Log;

    private static bool HasActingResponseRule(DetectionPolicy policy)
    {
        if (policy.DefaultRule.Action != PolicyAction.Log)
        {
            return true;
        }

        foreach (var rule in policy.Response.Values)
        {
            if (rule.Action != PolicyAction.Log)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Validates a route's <c>detection:</c> block. Errors name the path and the fix, like the rest of the config.</summary>
internal static class DetectionConfigLoader
{
    /// <summary>
    /// Characters a streamed answer trails the model by, so an entity written with spaces (a card or phone number in
    /// groups, a spaced IBAN) split across events is still caught. Whitespace-free tokens (keys, emails, URLs) are
    /// held whole whatever this is.
    /// </summary>
    public const int DefaultStreamHoldback = 64;

    // The built-in detectors are stateless and thread-safe: routes without custom entities share one engine.
    private static readonly Lazy<DetectionEngine> SharedDefaultEngine = new(() => CreateEngine(DefaultDetectors.Create()));

    /// <summary>
    /// Builds an engine and the injection rules' automata now, while the config loads at start-up (or on reload), so
    /// the first requests do not pay for it.
    /// </summary>
    private static DetectionEngine CreateEngine(IEnumerable<IDetector> detectors)
    {
        Bulwark.Detection.Injection.PromptInjectionDetector.WarmUp();
        return new DetectionEngine(detectors);
    }

    public static RouteDetection? Validate(RawDetection? raw, string at, TimeProvider time, Action<string, string> error)
    {
        raw ??= new RawDetection();
        if (raw.Enabled == false)
        {
            return null;
        }

        var policy = BuildPolicy(raw, at, error);
        var engine = BuildEngine(raw.CustomEntities, at + ".custom_entities", error);

        HashKey? hashKey = null;
        if (raw.HashSalt is { } saltText)
        {
            var salt = SecretReference.Parse(saltText, time, out var saltError);
            if (salt is null || salt.IsAbsent)
            {
                error(at + ".hash_salt", saltError ?? "the salt is empty");
            }
            else if (salt.GetValue().Length < HashKey.MinimumLength)
            {
                error(at + ".hash_salt", $"the salt must be at least {HashKey.MinimumLength} characters; use a long random value, e.g. from `openssl rand -hex 32`");
            }
            else
            {
                hashKey = HashKey.FromString(salt.GetValue());
            }
        }

        if (policy is { UsesHash: true } && hashKey is null && raw.HashSalt is null)
        {
            error(at + ".hash_salt", "a rule redacts with operator 'hash', which needs a salt; set hash_salt (e.g. ${BULWARK_HASH_SALT})");
        }

        var holdback = raw.StreamHoldback ?? DefaultStreamHoldback;
        if (holdback is < 0 or > 4096)
        {
            error(at + ".stream_holdback", "must be between 0 and 4096 characters");
        }

        if (policy is null || engine is null)
        {
            return null;
        }

        return new RouteDetection(
            engine,
            new PolicyEvaluator(policy),
            new Redactor(hashKey),
            raw.ScanResponses ?? true,
            new StreamingRedactorOptions { Holdback = Math.Clamp(holdback, 0, 4096) });
    }

    private static DetectionPolicy? BuildPolicy(RawDetection raw, string at, Action<string, string> error)
    {
        if (raw.Request is null && raw.Response is null && raw.Default is null && raw.InheritDefaults != false)
        {
            return DetectionPolicy.Default;
        }

        var inherit = raw.InheritDefaults ?? true;
        var request = inherit ? new Dictionary<string, EntityRule>(DetectionPolicy.Default.Request) : [];
        var response = inherit ? new Dictionary<string, EntityRule>(DetectionPolicy.Default.Response) : [];
        var ok = AddRules(raw.Request, request, at + ".request", error) & AddRules(raw.Response, response, at + ".response", error);
        EntityRule? defaultRule = inherit ? DetectionPolicy.Default.DefaultRule : null;
        if (raw.Default is { } d)
        {
            defaultRule = ParseRule(d, at + ".default", error);
            ok &= defaultRule is not null;
        }

        if (!ok)
        {
            return null;
        }

        try
        {
            return new DetectionPolicy(request.ToFrozenDictionary(), response.ToFrozenDictionary(), defaultRule);
        }
        catch (ArgumentException e)
        {
            error(at, e.Message);
            return null;
        }
    }

    private static bool AddRules(Dictionary<string, RawEntityRule>? raw, Dictionary<string, EntityRule> into, string at, Action<string, string> error)
    {
        var ok = true;
        foreach (var (entity, rawRule) in raw ?? [])
        {
            var name = entity.Trim().ToUpperInvariant();
            var rule = ParseRule(rawRule ?? new RawEntityRule(), $"{at}.{entity}", error);
            if (rule is null)
            {
                ok = false;
                continue;
            }

            into[name] = rule;
        }

        return ok;
    }

    private static EntityRule? ParseRule(RawEntityRule raw, string at, Action<string, string> error)
    {
        PolicyAction action;
        switch (raw.Action?.Trim().ToLowerInvariant())
        {
            case "block":
                action = PolicyAction.Block;
                break;
            case "redact":
                action = PolicyAction.Redact;
                break;
            case "log":
                action = PolicyAction.Log;
                break;
            default:
                error(at + ".action", $"'{raw.Action}' is not an action; use block, redact or log");
                return null;
        }

        RedactionOperator? op = null;
        if (raw.Operator is not null || action == PolicyAction.Redact)
        {
            var maskChar = string.IsNullOrEmpty(raw.MaskChar) ? RedactionOperator.DefaultMaskChar : raw.MaskChar[0];
            switch (raw.Operator?.Trim().ToLowerInvariant() ?? "placeholder")
            {
                case "mask":
                    op = RedactionOperator.Mask(raw.Keep ?? 0, maskChar);
                    break;
                case "placeholder":
                    op = RedactionOperator.Placeholder;
                    break;
                case "hash":
                    op = RedactionOperator.Hash;
                    break;
                case "pseudonymize" or "pseudonymise":
                    op = RedactionOperator.Pseudonymize;
                    break;
                default:
                    error(at + ".operator", $"'{raw.Operator}' is not an operator; use mask, placeholder, hash or pseudonymize");
                    return null;
            }
        }

        if (raw.Threshold is { } t && (t < 0 || t > 1 || double.IsNaN(t)))
        {
            error(at + ".threshold", "must be a score between 0 and 1");
            return null;
        }

        return new EntityRule(action, op, raw.Threshold);
    }

    private static DetectionEngine? BuildEngine(List<RawCustomEntity>? custom, string at, Action<string, string> error)
    {
        if (custom is null || custom.Count == 0)
        {
            return SharedDefaultEngine.Value;
        }

        var detectors = new List<IDetector>(DefaultDetectors.Create());
        var ok = true;
        for (var i = 0; i < custom.Count; i++)
        {
            var entry = custom[i];
            var path = $"{at}[{i}]";
            if (string.IsNullOrWhiteSpace(entry.Entity))
            {
                error(path + ".entity", "is required: the entity name findings are reported under, e.g. EMPLOYEE_ID");
                ok = false;
                continue;
            }

            var entity = entry.Entity.Trim().ToUpperInvariant();
            var hasPattern = !string.IsNullOrEmpty(entry.Pattern);
            var keywords = new List<string>(entry.Keywords ?? []);
            if (entry.KeywordsFile is { } file)
            {
                try
                {
                    keywords.AddRange(File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error(path + ".keywords_file", $"cannot read {file} ({e.GetType().Name}); check the path");
                    ok = false;
                    continue;
                }
            }

            if (hasPattern == keywords.Count > 0)
            {
                error(path, $"custom entity '{entity}' needs exactly one of pattern or keywords/keywords_file");
                ok = false;
                continue;
            }

            try
            {
                detectors.Add(hasPattern
                    ? new CustomRegexDetector(entity, entry.Pattern!, entry.Context, entry.ContextWindow ?? 40, entry.Score ?? 0.8, entry.IgnoreCase ?? false)
                    : new KeywordDictionaryDetector(entity, keywords, entry.IgnoreCase ?? true, wholeWords: true, entry.Context, entry.ContextWindow ?? 40, entry.Score ?? 0.85));
            }
            catch (ArgumentException e)
            {
                error(path, $"custom entity '{entity}': {e.Message}");
                ok = false;
            }
        }

        return ok ? CreateEngine(detectors) : null;
    }
}
