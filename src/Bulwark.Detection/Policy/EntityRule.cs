namespace Bulwark.Detection.Policy;

/// <summary>
/// What to do with one entity type in one direction. Maps 1:1 to a YAML rule such as
/// <c>{ action: redact, operator: mask, keep: 4, threshold: 0.7 }</c>.
/// </summary>
/// <param name="Action">Block, redact or log.</param>
/// <param name="Operator">For <see cref="PolicyAction.Redact"/>: how to rewrite the value; <see langword="null"/> means
/// <see cref="RedactionOperator.Placeholder"/>. Ignored for the other actions.</param>
/// <param name="Threshold">Findings scoring below this (0..1) are ignored; <see langword="null"/> inherits the policy's
/// default rule, and then <see cref="DefaultThreshold"/>.</param>
public sealed record EntityRule(PolicyAction Action, RedactionOperator? Operator = null, double? Threshold = null)
{
    /// <summary>The threshold used when neither the rule nor the policy's default rule sets one.</summary>
    public const double DefaultThreshold = 0.5;

    /// <summary><c>{ action: log }</c>.</summary>
    public static EntityRule Log { get; } = new(PolicyAction.Log);

    /// <summary><c>{ action: block }</c>.</summary>
    public static EntityRule Block { get; } = new(PolicyAction.Block);

    /// <summary><c>{ action: redact, operator: ... }</c>.</summary>
    public static EntityRule Redact(RedactionOperator @operator, double? threshold = null) => new(PolicyAction.Redact, @operator, threshold);
}

/// <summary>
/// A rule with every inheritance applied: the operator and threshold that actually apply to an entity in a direction.
/// Returned by <see cref="DetectionPolicy.Resolve"/>.
/// </summary>
/// <param name="Action">Block, redact or log.</param>
/// <param name="Operator">The operator (meaningful when <paramref name="Action"/> is <see cref="PolicyAction.Redact"/>).</param>
/// <param name="Threshold">Minimum score for a finding to count.</param>
public readonly record struct ResolvedRule(PolicyAction Action, RedactionOperator Operator, double Threshold);
