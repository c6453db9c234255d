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

    // Attacks
    public const string PromptInjection = "PROMPT_INJECTION";
}
