using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Bulwark.Detection.Policy;

/// <summary>
/// The detection policy of one route: per direction, per entity type, an <see cref="EntityRule"/>, plus a default rule
/// for every entity a direction does not name. An immutable snapshot; maps 1:1 to the YAML block
/// <code>
/// detection:
///   request:  { ENTITY: rule, ... }
///   response: { ENTITY: rule, ... }
///   default:  rule
/// </code>
/// Construct it directly; <see cref="Resolve"/> is a frozen-dictionary lookup and allocates nothing.
/// </summary>
public sealed record DetectionPolicy
{
    private readonly FrozenDictionary<string, ResolvedRule> _request;
    private readonly FrozenDictionary<string, ResolvedRule> _response;
    private readonly ResolvedRule _requestDefault;
    private readonly ResolvedRule _responseDefault;

    /// <summary>Builds a policy and checks it; throws <see cref="ArgumentException"/> listing every problem found.</summary>
    /// <param name="request">Rules for texts sent to the model, keyed by entity type (see <see cref="EntityTypes"/>).</param>
    /// <param name="response">Rules for texts coming back from the model.</param>
    /// <param name="defaultRule">Rule for entity types a direction does not name; <see langword="null"/> means <see cref="EntityRule.Log"/>.</param>
    public DetectionPolicy(
        IReadOnlyDictionary<string, EntityRule>? request = null,
        IReadOnlyDictionary<string, EntityRule>? response = null,
        EntityRule? defaultRule = null)
    {
        DefaultRule = defaultRule ?? EntityRule.Log;
        Request = (request ?? FrozenDictionary<string, EntityRule>.Empty).ToFrozenDictionary(StringComparer.Ordinal);
        Response = (response ?? FrozenDictionary<string, EntityRule>.Empty).ToFrozenDictionary(StringComparer.Ordinal);

        var errors = new StringBuilder();
        Validate("default", DefaultRule, errors);
        foreach (var (entity, rule) in Request)
        {
            Validate("request." + entity, rule, errors);
        }

        foreach (var (entity, rule) in Response)
        {
            Validate("response." + entity, rule, errors);
        }

        if (errors.Length > 0)
        {
            throw new ArgumentException("Invalid detection policy:" + errors);
        }

        double defaultThreshold = DefaultRule.Threshold ?? EntityRule.DefaultThreshold;
        _requestDefault = ResolveRule(DefaultRule, Direction.Request, defaultThreshold);
        _responseDefault = ResolveRule(DefaultRule, Direction.Response, defaultThreshold);
        _request = Request.ToFrozenDictionary(p => p.Key, p => ResolveRule(p.Value, Direction.Request, defaultThreshold), StringComparer.Ordinal);
        _response = Response.ToFrozenDictionary(p => p.Key, p => ResolveRule(p.Value, Direction.Response, defaultThreshold), StringComparer.Ordinal);
        UsesHash = _request.Values.Any(IsHash) || _response.Values.Any(IsHash) || IsHash(_requestDefault);
    }

    /// <summary>Rules for the request direction, as configured (the YAML <c>request</c> map).</summary>
    public IReadOnlyDictionary<string, EntityRule> Request { get; }

    /// <summary>Rules for the response direction, as configured (the YAML <c>response</c> map).</summary>
    public IReadOnlyDictionary<string, EntityRule> Response { get; }

    /// <summary>The rule for entity types a direction does not name (the YAML <c>default</c>).</summary>
    public EntityRule DefaultRule { get; }

    /// <summary>
    /// True when some rule redacts with <see cref="RedactionKind.Hash"/>: the gateway must then have a hash salt and
    /// should refuse to start without one.
    /// </summary>
    public bool UsesHash { get; }

    /// <summary>
    /// The sensible default for a security gateway:
    /// <list type="bullet">
    /// <item>requests: credentials are blocked, personal data is pseudonymized (and restored in the response),
    /// prompt injection is blocked at <see cref="EntityRule.DefaultThreshold"/>;</item>
    /// <item>responses: credentials are replaced by placeholders, everything else is logged;</item>
    /// <item>any other entity (custom ones included): logged.</item>
    /// </list>
    /// </summary>
    public static DetectionPolicy Default { get; } = CreateDefault();

    /// <summary>The rule that applies to <paramref name="entity"/> in <paramref name="direction"/>. Allocation-free.</summary>
    public ResolvedRule Resolve(string entity, Direction direction)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return direction == Direction.Request
            ? _request.TryGetValue(entity, out var rule) ? rule : _requestDefault
            : _response.TryGetValue(entity, out rule) ? rule : _responseDefault;
    }

    private static ResolvedRule ResolveRule(EntityRule rule, Direction direction, double defaultThreshold)
    {
        var op = rule.Operator ?? RedactionOperator.Placeholder;

        // Nothing downstream of a response could restore a pseudonym, so on responses it is a plain placeholder.
        if (direction == Direction.Response && op.Kind == RedactionKind.Pseudonymize)
        {
            op = RedactionOperator.Placeholder;
        }

        return new ResolvedRule(rule.Action, op, rule.Threshold ?? defaultThreshold);
    }

    private static bool IsHash(ResolvedRule rule) => rule.Action == PolicyAction.Redact && rule.Operator.Kind == RedactionKind.Hash;

    private static void Validate(string path, EntityRule? rule, StringBuilder errors)
    {
        if (rule is null)
        {
            errors.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}  {path}: the rule is missing; give it an action (block, redact or log).");
            return;
        }

        if (!Enum.IsDefined(rule.Action))
        {
            errors.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}  {path}.action: '{(int)rule.Action}' is not an action; use block, redact or log.");
        }

        if (rule.Threshold is { } t && (double.IsNaN(t) || t < 0 || t > 1))
        {
            errors.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}  {path}.threshold: {t} is out of range; use a score between 0 and 1.");
        }

        if (rule.Operator is { } op)
        {
            if (!Enum.IsDefined(op.Kind))
            {
                errors.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}  {path}.operator: '{(int)op.Kind}' is not an operator; use mask, placeholder, hash or pseudonymize.");
            }

            if (op.Keep < 0)
            {
                errors.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}  {path}.keep: {op.Keep} is negative; use 0 or more.");
            }
        }
    }

    private static DetectionPolicy CreateDefault()
    {
        string[] credentials =
        [
            EntityTypes.AwsAccessKeyId, EntityTypes.AwsSecretAccessKey, EntityTypes.GitHubToken, EntityTypes.OpenAiApiKey,
            EntityTypes.AnthropicApiKey, EntityTypes.SlackToken, EntityTypes.GoogleApiKey, EntityTypes.StripeSecretKey,
            EntityTypes.Jwt, EntityTypes.PrivateKey, EntityTypes.PasswordInUrl, EntityTypes.GenericSecret,
        ];
        string[] personal =
        [
            EntityTypes.EmailAddress, EntityTypes.PhoneNumber, EntityTypes.CreditCard, EntityTypes.IbanCode,
            EntityTypes.UsSsn, EntityTypes.CnResidentId, EntityTypes.IpAddress,
        ];

        var request = new Dictionary<string, EntityRule>(StringComparer.Ordinal);
        var response = new Dictionary<string, EntityRule>(StringComparer.Ordinal);
        var pseudonymize = EntityRule.Redact(RedactionOperator.Pseudonymize);
        var placeholder = EntityRule.Redact(RedactionOperator.Placeholder);
        foreach (var entity in credentials)
        {
            request[entity] = EntityRule.Block;
            response[entity] = placeholder;
        }

        foreach (var entity in personal)
        {
            request[entity] = pseudonymize;
        }

        request[EntityTypes.PromptInjection] = EntityRule.Block;
        return new DetectionPolicy(request, response, EntityRule.Log);
    }
}
