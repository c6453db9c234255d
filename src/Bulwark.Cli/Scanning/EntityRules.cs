using System.Globalization;
using Bulwark.Detection;

namespace Bulwark.Cli.Scanning;

/// <summary>The kind of thing an entity is; decides severity, tags and help text in reports.</summary>
internal enum EntityCategory
{
    Credential,
    PersonalData,
    PromptInjection,
}

/// <summary>
/// How each entity is presented as a rule (SARIF and text): the rule id is the canonical entity name, which is stable
/// across releases; severity follows GitHub code scanning's scale (9.0+ critical, 7.0-8.9 high, 4.0-6.9 medium).
/// </summary>
internal static class EntityRules
{
    public static EntityCategory CategoryOf(string entity) => entity switch
    {
        EntityTypes.EmailAddress or EntityTypes.PhoneNumber or EntityTypes.CreditCard or EntityTypes.IbanCode
            or EntityTypes.UsSsn or EntityTypes.CnResidentId or EntityTypes.IpAddress => EntityCategory.PersonalData,
        EntityTypes.PromptInjection => EntityCategory.PromptInjection,
        _ => EntityCategory.Credential,
    };

    /// <summary>GitHub's <c>security-severity</c>, 0.1-10.0.</summary>
    public static double SeverityOf(string entity) => entity switch
    {
        EntityTypes.PrivateKey => 9.5,
        EntityTypes.GenericSecret => 8.0,
        EntityTypes.PasswordInUrl => 8.5,
        EntityTypes.PromptInjection => 7.5,
        EntityTypes.CreditCard or EntityTypes.UsSsn or EntityTypes.CnResidentId => 6.5,
        EntityTypes.IbanCode => 6.0,
        EntityTypes.EmailAddress or EntityTypes.PhoneNumber => 5.0,
        EntityTypes.IpAddress => 4.0,
        _ => CategoryOf(entity) == EntityCategory.Credential ? 9.0 : 5.0,
    };

    /// <summary>The severity as SARIF wants it: a number written as a string, invariant culture.</summary>
    public static string SeverityText(string entity) => SeverityOf(entity).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>SARIF result level: error for high and critical, warning for medium, note below.</summary>
    public static string LevelOf(string entity) => SeverityOf(entity) switch
    {
        >= 7.0 => "error",
        >= 4.0 => "warning",
        _ => "note",
    };

    public static string ShortDescription(string entity) => CategoryOf(entity) switch
    {
        EntityCategory.Credential => $"Credential in text: {entity}",
        EntityCategory.PersonalData => $"Personal data in text: {entity}",
        _ => "Prompt injection in text",
    };

    public static string Help(string entity) => CategoryOf(entity) switch
    {
        EntityCategory.Credential =>
            $"Bulwark found a credential of type {entity}. Treat it as leaked: revoke and rotate it, remove it from "
            + "the file and from version-control history, and load it from a secret store or an environment variable instead.",
        EntityCategory.PersonalData =>
            $"Bulwark found personal data of type {entity}. Remove or redact it, or replace it with synthetic data; "
            + "personal data in prompts, logs and datasets is sent to third parties and kept longer than intended.",
        _ =>
            "Bulwark found text that tries to override an LLM's instructions (instruction override, role-play jailbreak, "
            + "system-prompt extraction, chat-template smuggling or obfuscated variants). Do not feed this text to a model "
            + "as trusted input; quarantine it or remove the injected instructions.",
    };

    public static IReadOnlyList<string> TagsOf(string entity) => CategoryOf(entity) switch
    {
        // CWE-798: hard-coded credentials; CWE-359: exposure of private personal information;
        // CWE-1427: improper neutralization of input used for LLM prompting.
        EntityCategory.Credential => ["security", "secret", "external/cwe/cwe-798"],
        EntityCategory.PersonalData => ["security", "pii", "privacy", "external/cwe/cwe-359"],
        _ => ["security", "prompt-injection", "llm", "external/cwe/cwe-1427"],
    };
}
