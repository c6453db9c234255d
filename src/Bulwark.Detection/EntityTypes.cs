namespace Bulwark.Detection;

/// <summary>Canonical entity names. Policies, audit rows, SARIF rule ids and client errors all use these spellings.</summary>
public static class EntityTypes
{
    // Personal data
    public const string EmailAddress = "EMAIL_ADDRESS";
    public const string PhoneNumber = "PHONE_NUMBER";
    public const string CreditCard = "CREDIT_CARD";
    public const string IbanCode = "IBAN_CODE";
    public const string UsSsn = "US_SSN";
    public const string CnResidentId = "CN_RESIDENT_ID";
    public const string IpAddress = "IP_ADDRESS";

    // Credentials
    public const string AwsAccessKeyId = "AWS_ACCESS_KEY_ID";
    public const string AwsSecretAccessKey = "AWS_SECRET_ACCESS_KEY";
    public const string GitHubToken = "GITHUB_TOKEN";
    public const string OpenAiApiKey = "OPENAI_API_KEY";
    public const string AnthropicApiKey = "ANTHROPIC_API_KEY";
    public const string SlackToken = "SLACK_TOKEN";
    public const string GoogleApiKey = "GOOGLE_API_KEY";
    public const string StripeSecretKey = "STRIPE_SECRET_KEY";
    public const string Jwt = "JWT";
    public const string PrivateKey = "PRIVATE_KEY";
    public const string PasswordInUrl = "PASSWORD_IN_URL";
    public const string GenericSecret = "GENERIC_SECRET";

    // ---- Additional credential families (owned by the secrets detector, src/Bulwark.Detection/Secrets/) ----
    // Each name is one vendor family; a family may cover several token formats (see docs/detection.md, "## Secrets").
    public const string GitLabToken = "GITLAB_TOKEN";
    public const string NpmToken = "NPM_TOKEN";
    public const string PyPiToken = "PYPI_TOKEN";
    public const string DockerHubToken = "DOCKER_HUB_TOKEN";
    public const string HuggingFaceToken = "HUGGINGFACE_TOKEN";
    public const string TwilioApiKey = "TWILIO_API_KEY";
    public const string SendGridApiKey = "SENDGRID_API_KEY";
    public const string MailgunApiKey = "MAILGUN_API_KEY";
    public const string MailchimpApiKey = "MAILCHIMP_API_KEY";
    public const string ShopifyToken = "SHOPIFY_TOKEN";
    public const string SquareToken = "SQUARE_TOKEN";
    public const string AzureStorageKey = "AZURE_STORAGE_KEY";
    public const string AzureSharedAccessKey = "AZURE_SHARED_ACCESS_KEY";
    public const string AzureAdClientSecret = "AZURE_AD_CLIENT_SECRET";
    public const string GcpServiceAccountKey = "GCP_SERVICE_ACCOUNT_KEY";
    public const string GoogleOAuthClientSecret = "GOOGLE_OAUTH_CLIENT_SECRET";
    public const string AlibabaAccessKeyId = "ALIBABA_ACCESS_KEY_ID";
    public const string TencentSecretId = "TENCENT_SECRET_ID";
    public const string DigitalOceanToken = "DIGITALOCEAN_TOKEN";
    public const string HerokuApiKey = "HEROKU_API_KEY";
    public const string DatadogApiKey = "DATADOG_API_KEY";
    public const string NewRelicApiKey = "NEW_RELIC_API_KEY";
    public const string AtlassianApiToken = "ATLASSIAN_API_TOKEN";
    public const string DiscordBotToken = "DISCORD_BOT_TOKEN";
    public const string DiscordWebhookUrl = "DISCORD_WEBHOOK_URL";
    public const string TelegramBotToken = "TELEGRAM_BOT_TOKEN";
    public const string DopplerToken = "DOPPLER_TOKEN";
    public const string VaultToken = "HASHICORP_VAULT_TOKEN";
    public const string LinearApiKey = "LINEAR_API_KEY";
    public const string PostmanApiKey = "POSTMAN_API_KEY";
    public const string DatabricksToken = "DATABRICKS_TOKEN";
    public const string GrafanaToken = "GRAFANA_TOKEN";
    public const string PulumiToken = "PULUMI_TOKEN";
    public const string TerraformCloudToken = "TERRAFORM_CLOUD_TOKEN";
    public const string SentryAuthToken = "SENTRY_AUTH_TOKEN";
    public const string AgeSecretKey = "AGE_SECRET_KEY";
    public const string DashScopeApiKey = "DASHSCOPE_API_KEY";
    public const string GroqApiKey = "GROQ_API_KEY";
    public const string PerplexityApiKey = "PERPLEXITY_API_KEY";
    public const string ReplicateApiToken = "REPLICATE_API_TOKEN";
    public const string XaiApiKey = "XAI_API_KEY";
    public const string MistralApiKey = "MISTRAL_API_KEY";
    public const string CohereApiKey = "COHERE_API_KEY";
    public const string OpenRouterApiKey = "OPENROUTER_API_KEY";
    public const string FirebaseFcmServerKey = "FIREBASE_FCM_SERVER_KEY";
    public const string StripeWebhookSecret = "STRIPE_WEBHOOK_SECRET";
    // ---- end of additional credential families ----

    // Attacks
    public const string PromptInjection = "PROMPT_INJECTION";
}
