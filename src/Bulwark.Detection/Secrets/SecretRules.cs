using Bulwark.Detection.Engine;

namespace Bulwark.Detection.Secrets;

/// <summary>Extra structure a token must have beyond prefix, charset and length.</summary>
internal enum Shape : byte
{
    None,

    /// <summary>Last 6 base62 characters are the CRC-32 of the first 30 (GitHub classic tokens, npm).</summary>
    Base62Crc32,

    /// <summary>Bech32 checksum over the whole token (age).</summary>
    Bech32,

    /// <summary>SendGrid: 22 characters, '.', 43 characters.</summary>
    SendGrid,

    /// <summary>Postman: 24 hex, '-', 34 hex.</summary>
    Postman,

    /// <summary>Slack xox* tokens: dash-separated, with a numeric team/user part.</summary>
    Slack,

    /// <summary>Grafana service account token: 32 base62, '_', 8 hex.</summary>
    GrafanaServiceAccount,

    /// <summary>GitHub fine-grained PAT: 22 base62, '_', 59 base62.</summary>
    GitHubFineGrained,

    /// <summary>AWS access key id: the tail must not be the documented example.</summary>
    AwsKeyId,
}

/// <summary>A vendor token recognised by a literal prefix and a body of known charset and length.</summary>
internal sealed record TokenRule(string Id, string Prefix, string Entity, Charset Body, int MinLength, int MaxLength, Shape Shape = Shape.None, double Score = 0.95);

/// <summary>What to do when an anchor is found at a position.</summary>
internal enum AnchorKind : byte
{
    /// <summary>A <see cref="TokenRule"/>.</summary>
    Token,

    /// <summary><c>sk-</c>: OpenAI, Anthropic, OpenRouter or DashScope, told apart by what follows.</summary>
    SkDash,

    /// <summary><c>sk_live_</c>/<c>rk_live_</c>/<c>sk_test_</c>/<c>rk_test_</c>.</summary>
    Stripe,

    /// <summary><c>://</c>: credentials in a URL's userinfo.</summary>
    UrlUserInfo,

    /// <summary><c>-----BEGIN</c>: PEM / OpenSSH / PGP private key block.</summary>
    PemBlock,

    /// <summary><c>eyJ</c>: a JWT, or a Grafana API key (base64 JSON starting <c>{"k":</c>).</summary>
    Jwt,

    SlackWebhook,
    DiscordWebhook,

    /// <summary>Formats whose distinctive part is in the middle: the handler walks back to the token start.</summary>
    MailchimpSuffix,
    AzureAdSecret,
    TerraformCloud,
    TelegramBot,
    FirebaseFcm,

    /// <summary><c>AccountKey=</c> / <c>SharedAccessKey=</c> in Azure connection strings.</summary>
    AzureAccountKey,
    AzureSharedAccessKey,

    /// <summary>A secret-like key name (password, token, api_key...) followed by a separator and a value.</summary>
    KeyName,
}

internal sealed record Anchor(string Text, AnchorKind Kind, TokenRule? Rule = null);

/// <summary>The rule table: every anchor the single pass looks for, and the token rules behind them.</summary>
internal static class SecretRules
{
    public static readonly TokenRule[] Tokens =
    [
        // AWS access key ids: a 4-character type prefix and 16 more of [A-Z0-9] (base32 in practice).
        new("aws-akia", "AKIA", EntityTypes.AwsAccessKeyId, Charset.UpperAlnum, 16, 16, Shape.AwsKeyId),
        new("aws-asia", "ASIA", EntityTypes.AwsAccessKeyId, Charset.UpperAlnum, 16, 16, Shape.AwsKeyId),
        new("aws-abia", "ABIA", EntityTypes.AwsAccessKeyId, Charset.UpperAlnum, 16, 16, Shape.AwsKeyId),
        new("aws-acca", "ACCA", EntityTypes.AwsAccessKeyId, Charset.UpperAlnum, 16, 16, Shape.AwsKeyId),
        new("github-pat", "ghp_", EntityTypes.GitHubToken, Charset.Base62, 36, 36, Shape.Base62Crc32, 0.99),
        new("github-oauth", "gho_", EntityTypes.GitHubToken, Charset.Base62, 36, 36, Shape.Base62Crc32, 0.99),
        new("github-user-to-server", "ghu_", EntityTypes.GitHubToken, Charset.Base62, 36, 36, Shape.Base62Crc32, 0.99),
        new("github-server-to-server", "ghs_", EntityTypes.GitHubToken, Charset.Base62, 36, 36, Shape.Base62Crc32, 0.99),
        new("github-refresh", "ghr_", EntityTypes.GitHubToken, Charset.Base62, 36, 36, Shape.Base62Crc32, 0.99),
        new("github-fine-grained-pat", "github_pat_", EntityTypes.GitHubToken, Charset.Base62Dash, 82, 82, Shape.GitHubFineGrained),
        new("slack-bot", "xoxb-", EntityTypes.SlackToken, Charset.Base62Dash, 20, 255, Shape.Slack),
        new("slack-user", "xoxp-", EntityTypes.SlackToken, Charset.Base62Dash, 20, 255, Shape.Slack),
        new("slack-app-legacy", "xoxa-", EntityTypes.SlackToken, Charset.Base62Dash, 20, 255, Shape.Slack),
        new("slack-refresh", "xoxr-", EntityTypes.SlackToken, Charset.Base62Dash, 20, 255, Shape.Slack),
        new("slack-workspace", "xoxs-", EntityTypes.SlackToken, Charset.Base62Dash, 20, 255, Shape.Slack),
        new("slack-config", "xoxe.xoxp-", EntityTypes.SlackToken, Charset.Base62Dash, 20, 255, Shape.Slack),
        new("slack-app-level", "xapp-", EntityTypes.SlackToken, Charset.Base62Dash, 20, 255, Shape.Slack),
        new("google-api-key", "AIza", EntityTypes.GoogleApiKey, Charset.Base62Dash, 35, 35),
        new("google-oauth-client-secret", "GOCSPX-", EntityTypes.GoogleOAuthClientSecret, Charset.Base62Dash, 28, 28),
        new("stripe-webhook-secret", "whsec_", EntityTypes.StripeWebhookSecret, Charset.Base62, 32, 64),
        new("gitlab-pat", "glpat-", EntityTypes.GitLabToken, Charset.Base62DashDot, 20, 80),
        new("gitlab-deploy-token", "gldt-", EntityTypes.GitLabToken, Charset.Base62Dash, 20, 80),
        new("gitlab-runner-token", "glrt-", EntityTypes.GitLabToken, Charset.Base62DashDot, 20, 80),
        new("gitlab-pipeline-trigger", "glptt-", EntityTypes.GitLabToken, Charset.Base62Dash, 20, 80),
        new("npm-access-token", "npm_", EntityTypes.NpmToken, Charset.Base62, 36, 36, Shape.Base62Crc32, 0.99),
        new("pypi-upload-token", "pypi-AgEIcHlwaS5vcmc", EntityTypes.PyPiToken, Charset.Base62Dash, 50, 300),
        new("pypi-test-upload-token", "pypi-AgENdGVzdC5weXBpLm9yZw", EntityTypes.PyPiToken, Charset.Base62Dash, 50, 300),
        new("dockerhub-pat", "dckr_pat_", EntityTypes.DockerHubToken, Charset.Base62Dash, 27, 27),
        new("dockerhub-oat", "dckr_oat_", EntityTypes.DockerHubToken, Charset.Base62Dash, 27, 40),
        new("huggingface-token", "hf_", EntityTypes.HuggingFaceToken, Charset.Base62, 34, 34),
        new("huggingface-org-token", "api_org_", EntityTypes.HuggingFaceToken, Charset.Base62, 34, 34),
        new("twilio-api-key", "SK", EntityTypes.TwilioApiKey, Charset.Hex, 32, 32),
        new("sendgrid-api-key", "SG.", EntityTypes.SendGridApiKey, Charset.Base62DashDot, 66, 66, Shape.SendGrid),
        new("mailgun-api-key", "key-", EntityTypes.MailgunApiKey, Charset.HexLower, 32, 32),
        new("shopify-access-token", "shpat_", EntityTypes.ShopifyToken, Charset.Hex, 32, 32),
        new("shopify-shared-secret", "shpss_", EntityTypes.ShopifyToken, Charset.Hex, 32, 32),
        new("shopify-custom-app-token", "shpca_", EntityTypes.ShopifyToken, Charset.Hex, 32, 32),
        new("shopify-private-app-token", "shppa_", EntityTypes.ShopifyToken, Charset.Hex, 32, 32),
        new("square-access-token", "EAAA", EntityTypes.SquareToken, Charset.Base62Dash, 60, 60),
        new("square-legacy-access-token", "sq0atp-", EntityTypes.SquareToken, Charset.Base62Dash, 22, 22),
        new("square-oauth-secret", "sq0csp-", EntityTypes.SquareToken, Charset.Base62Dash, 43, 43),
        new("alibaba-access-key-id", "LTAI", EntityTypes.AlibabaAccessKeyId, Charset.Base62, 12, 20),
        new("tencent-secret-id", "AKID", EntityTypes.TencentSecretId, Charset.Base62, 32, 32),
        new("digitalocean-pat", "dop_v1_", EntityTypes.DigitalOceanToken, Charset.HexLower, 64, 64),
        new("digitalocean-oauth", "doo_v1_", EntityTypes.DigitalOceanToken, Charset.HexLower, 64, 64),
        new("digitalocean-refresh", "dor_v1_", EntityTypes.DigitalOceanToken, Charset.HexLower, 64, 64),
        new("heroku-api-key", "HRKU-", EntityTypes.HerokuApiKey, Charset.Base62Dash, 60, 60),
        new("newrelic-user-key", "NRAK-", EntityTypes.NewRelicApiKey, Charset.UpperAlnum, 27, 27),
        new("newrelic-insert-key", "NRII-", EntityTypes.NewRelicApiKey, Charset.Base62Dash, 32, 32),
        new("atlassian-api-token", "ATATT3", EntityTypes.AtlassianApiToken, Charset.Base64Url, 150, 300),
        new("doppler-personal", "dp.pt.", EntityTypes.DopplerToken, Charset.Base62, 40, 44),
        new("doppler-service", "dp.st.", EntityTypes.DopplerToken, Charset.Base62DashDot, 40, 60),
        new("doppler-service-account", "dp.sa.", EntityTypes.DopplerToken, Charset.Base62, 40, 44),
        new("doppler-cli", "dp.ct.", EntityTypes.DopplerToken, Charset.Base62, 40, 44),
        new("vault-service-token", "hvs.", EntityTypes.VaultToken, Charset.Base62Dash, 24, 200),
        new("vault-batch-token", "hvb.", EntityTypes.VaultToken, Charset.Base62Dash, 90, 300),
        new("linear-api-key", "lin_api_", EntityTypes.LinearApiKey, Charset.Base62, 40, 40),
        new("postman-api-key", "PMAK-", EntityTypes.PostmanApiKey, Charset.HexDash, 59, 59, Shape.Postman),
        new("databricks-token", "dapi", EntityTypes.DatabricksToken, Charset.HexLower, 32, 32),
        new("grafana-cloud-token", "glc_", EntityTypes.GrafanaToken, Charset.Base64, 32, 400),
        new("grafana-service-account-token", "glsa_", EntityTypes.GrafanaToken, Charset.Base62Dash, 41, 41, Shape.GrafanaServiceAccount),
        new("pulumi-access-token", "pul-", EntityTypes.PulumiToken, Charset.HexLower, 40, 40),
        new("sentry-org-token", "sntrys_", EntityTypes.SentryAuthToken, Charset.Base64, 80, 400),
        new("sentry-user-token", "sntryu_", EntityTypes.SentryAuthToken, Charset.HexLower, 64, 64),
        new("age-secret-key", "AGE-SECRET-KEY-1", EntityTypes.AgeSecretKey, Charset.UpperAlnum, 58, 58, Shape.Bech32, 0.99),
        new("groq-api-key", "gsk_", EntityTypes.GroqApiKey, Charset.Base62, 52, 52),
        new("perplexity-api-key", "pplx-", EntityTypes.PerplexityApiKey, Charset.Base62, 48, 48),
        new("replicate-api-token", "r8_", EntityTypes.ReplicateApiToken, Charset.Base62, 37, 37),
        new("xai-api-key", "xai-", EntityTypes.XaiApiKey, Charset.Base62, 80, 80),
    ];

    /// <summary>Fragments every secret-like key name contains (password, api_key, client_secret, X-Auth-Token...).</summary>
    private static readonly string[] KeyNameFragments = ["pass", "pwd", "secret", "token", "key", "auth", "credential"];

    public static readonly Anchor[] Anchors = BuildAnchors();

    /// <summary>Every anchor, case-insensitively: the one search the scan runs over the whole text.</summary>
    public static readonly AsciiKeywordSearch AnchorSearch = new(Anchors.Select(a => a.Text));

    /// <summary>Anchors bucketed by lower-cased first character, longest first, key names last.</summary>
    public static readonly Anchor[][] ByFirstChar = BuildBuckets();

    private static Anchor[] BuildAnchors()
    {
        var list = new List<Anchor>();
        foreach (var rule in Tokens)
        {
            list.Add(new Anchor(rule.Prefix, AnchorKind.Token, rule));
        }

        list.Add(new Anchor("sk-", AnchorKind.SkDash));
        list.Add(new Anchor("sk_live_", AnchorKind.Stripe));
        list.Add(new Anchor("sk_test_", AnchorKind.Stripe));
        list.Add(new Anchor("rk_live_", AnchorKind.Stripe));
        list.Add(new Anchor("rk_test_", AnchorKind.Stripe));
        list.Add(new Anchor("://", AnchorKind.UrlUserInfo));
        list.Add(new Anchor("-----BEGIN", AnchorKind.PemBlock));
        list.Add(new Anchor("eyJ", AnchorKind.Jwt));
        list.Add(new Anchor("hooks.slack.com/", AnchorKind.SlackWebhook));
        list.Add(new Anchor("discord.com/api/webhooks/", AnchorKind.DiscordWebhook));
        list.Add(new Anchor("discordapp.com/api/webhooks/", AnchorKind.DiscordWebhook));
        list.Add(new Anchor("-us", AnchorKind.MailchimpSuffix));
        list.Add(new Anchor("Q~", AnchorKind.AzureAdSecret));
        list.Add(new Anchor(".atlasv1.", AnchorKind.TerraformCloud));
        list.Add(new Anchor(":AA", AnchorKind.TelegramBot));
        list.Add(new Anchor(":APA91b", AnchorKind.FirebaseFcm));
        list.Add(new Anchor("AccountKey=", AnchorKind.AzureAccountKey));
        list.Add(new Anchor("SharedAccessKey=", AnchorKind.AzureSharedAccessKey));
        foreach (var word in KeyNameFragments)
        {
            list.Add(new Anchor(word, AnchorKind.KeyName));
        }

        return [.. list];
    }

    private static Anchor[][] BuildBuckets()
    {
        var buckets = new List<Anchor>[128];
        foreach (var anchor in Anchors)
        {
            var first = char.ToLowerInvariant(anchor.Text[0]);
            (buckets[first] ??= []).Add(anchor);
        }

        var result = new Anchor[128][];
        for (var i = 0; i < 128; i++)
        {
            result[i] = buckets[i] is { } b
                ? [.. b.OrderBy(a => a.Kind == AnchorKind.KeyName ? 1 : 0).ThenByDescending(a => a.Text.Length)]
                : [];
        }

        return result;
    }
}
