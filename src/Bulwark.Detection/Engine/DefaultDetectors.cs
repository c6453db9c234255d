using Bulwark.Detection.Pii;

namespace Bulwark.Detection.Engine;

/// <summary>The built-in detector set, listed in one place. Order matters only to break exact ties between findings.</summary>
public static class DefaultDetectors
{
    /// <summary>Creates a fresh list of the built-in detectors (all stateless and thread-safe).</summary>
    public static IReadOnlyList<IDetector> Create() =>
    [
        // Personal data (Pii/): checksummed and format-validated recognizers first.
        new CnResidentIdDetector(),
        new CreditCardDetector(),
        new IbanDetector(),
        new UsSsnDetector(),
        new EmailAddressDetector(),
        new IpAddressDetector(),
        new PhoneNumberDetector(),

        // Credentials (Secrets/): one pass over every credential format.
        new Bulwark.Detection.Secrets.SecretsDetector(),

        // Prompt injection (Injection/): normalise, decode, then weighted rules; one finding per text.
        new Bulwark.Detection.Injection.PromptInjectionDetector(),
    ];
}
