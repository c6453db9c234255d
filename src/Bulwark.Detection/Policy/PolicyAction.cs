namespace Bulwark.Detection.Policy;

/// <summary>
/// What the gateway does with a finding. The numeric order is the precedence: when findings in one text ask for
/// different actions, the highest wins (<see cref="Block"/> beats <see cref="Redact"/> beats <see cref="Log"/>).
/// </summary>
public enum PolicyAction
{
    /// <summary>Let the text through unchanged; the finding is only counted for logs and audit.</summary>
    Log = 0,

    /// <summary>Replace the finding's value with the rule's <see cref="RedactionOperator"/> and let the text through.</summary>
    Redact = 1,

    /// <summary>Refuse the text. Denials name the entity types, never the values.</summary>
    Block = 2,
}
