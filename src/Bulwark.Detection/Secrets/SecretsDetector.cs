namespace Bulwark.Detection.Secrets;

/// <summary>
/// Finds credentials in text in one pass: vendor tokens by prefix (with checksums where the format has one),
/// private key blocks, JWTs, passwords in URLs, and values of secret-like keys (<c>password=</c>, <c>api_key:</c>)
/// that look random. Placeholders, documented example keys and look-alikes (UUIDs, hashes, version strings) are not
/// reported. Stateless and thread-safe; allocates nothing on text without anchors.
/// </summary>
/// <remarks>
/// How it works: one vectorised <see cref="System.Buffers.SearchValues{T}"/> search finds the next anchor (a known
/// prefix such as <c>ghp_</c>, <c>-----BEGIN</c>, <c>://</c>, <c>eyJ</c>, or a key-name fragment such as
/// <c>token</c>); cheap span code then validates the candidate there, and the scan resumes after it.
/// </remarks>
public sealed class SecretsDetector : IDetector
{
    /// <summary>The detector name reported in <see cref="Finding.Detector"/>.</summary>
    public const string DetectorName = "secrets";

    private static readonly string[] AllEntities = BuildEntityList();

    /// <inheritdoc />
    public string Name => DetectorName;

    /// <inheritdoc />
    public IReadOnlyList<string> Entities => AllEntities;

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, List<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        new SecretScan(text, findings).Run();
    }

    private static string[] BuildEntityList()
    {
        var set = new SortedSet<string>(StringComparer.Ordinal)
        {
            EntityTypes.AwsSecretAccessKey, EntityTypes.OpenAiApiKey, EntityTypes.AnthropicApiKey,
            EntityTypes.StripeSecretKey, EntityTypes.Jwt, EntityTypes.PrivateKey, EntityTypes.PasswordInUrl,
            EntityTypes.GenericSecret, EntityTypes.SlackToken, EntityTypes.DiscordWebhookUrl, EntityTypes.MailchimpApiKey,
            EntityTypes.AzureAdClientSecret, EntityTypes.TerraformCloudToken, EntityTypes.TelegramBotToken,
            EntityTypes.FirebaseFcmServerKey, EntityTypes.AzureStorageKey, EntityTypes.AzureSharedAccessKey,
            EntityTypes.GcpServiceAccountKey, EntityTypes.DatadogApiKey, EntityTypes.MistralApiKey,
            EntityTypes.CohereApiKey, EntityTypes.DiscordBotToken, EntityTypes.HerokuApiKey, EntityTypes.DashScopeApiKey,
            EntityTypes.OpenRouterApiKey, EntityTypes.GrafanaToken,
        };
        foreach (var rule in SecretRules.Tokens)
        {
            set.Add(rule.Entity);
        }

        return [.. set];
    }
}
