namespace Bulwark.Detection.Policy;

/// <summary>How a redacted value is rewritten.</summary>
public enum RedactionKind
{
    /// <summary>
    /// A numbered placeholder such as <c>&lt;EMAIL_ADDRESS_1&gt;</c>: numbered per entity type per request, the same
    /// value always gets the same placeholder within a request. Not restored.
    /// </summary>
    Placeholder = 0,

    /// <summary>Every character but the last <see cref="RedactionOperator.Keep"/> replaced by <see cref="RedactionOperator.MaskChar"/>.</summary>
    Mask = 1,

    /// <summary>
    /// <c>&lt;ENTITY:xxxxxxxx&gt;</c> where the hex digits are the start of HMAC-SHA256(salt, value): stable across
    /// requests for one salt, so the same value can be correlated in logs without being revealed.
    /// </summary>
    Hash = 2,

    /// <summary>
    /// A placeholder like <see cref="Placeholder"/> whose original is remembered for the request, so the original is
    /// restored when the model repeats the placeholder in its response. Only meaningful on requests: on responses
    /// it behaves as <see cref="Placeholder"/>.
    /// </summary>
    Pseudonymize = 3,
}

/// <summary>
/// A redaction operator and its parameters. Maps 1:1 to the YAML rule keys <c>operator</c>, <c>keep</c> and
/// <c>mask_char</c>; use the factory members (<see cref="Mask"/>, <see cref="Placeholder"/>, <see cref="Hash"/>,
/// <see cref="Pseudonymize"/>) to build one.
/// </summary>
/// <param name="Kind">The operator.</param>
/// <param name="Keep">For <see cref="RedactionKind.Mask"/>: how many trailing characters stay visible.</param>
/// <param name="MaskChar">For <see cref="RedactionKind.Mask"/>: the character that replaces the others.</param>
public sealed record RedactionOperator(RedactionKind Kind, int Keep = 0, char MaskChar = '*')
{
    /// <summary>The default mask character.</summary>
    public const char DefaultMaskChar = '*';

    /// <summary><c>&lt;ENTITY_N&gt;</c>, not restored.</summary>
    public static RedactionOperator Placeholder { get; } = new(RedactionKind.Placeholder);

    /// <summary><c>&lt;ENTITY:hmac&gt;</c> with the gateway's configured salt.</summary>
    public static RedactionOperator Hash { get; } = new(RedactionKind.Hash);

    /// <summary><c>&lt;ENTITY_N&gt;</c>, restored to the original in the response.</summary>
    public static RedactionOperator Pseudonymize { get; } = new(RedactionKind.Pseudonymize);

    /// <summary>Masks all but the last <paramref name="keep"/> characters with <paramref name="maskChar"/>.</summary>
    public static RedactionOperator Mask(int keep = 0, char maskChar = DefaultMaskChar) => new(RedactionKind.Mask, keep, maskChar);
}
