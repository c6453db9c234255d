namespace Bulwark.Gateway.Configuration;

// The YAML of the operations blocks (storage, audit, consumers, limits), before validation.

internal sealed class RawStorage
{
    public string? Kind { get; set; }
    public string? Path { get; set; }
    public string? ConnectionString { get; set; }
}

internal sealed class RawAudit
{
    public bool? Enabled { get; set; }
    public int? RetentionDays { get; set; }
    public string? SpoolDir { get; set; }
    public int? BatchSize { get; set; }
    public int? FlushIntervalMs { get; set; }
    public bool? Journal { get; set; }
}

internal sealed class RawConsumers
{
    public bool? AllowAnonymous { get; set; }
    public string? TrustedIdentityHeader { get; set; }
    public List<string>? TrustedHeaderSources { get; set; }
    public List<RawCidrConsumer>? Cidrs { get; set; }
    public RawLimits? DefaultLimits { get; set; }
    public int? CompletionTokenEstimate { get; set; }
    public List<RawConsumerPolicy>? Definitions { get; set; }
}

internal sealed class RawCidrConsumer
{
    public string? Cidr { get; set; }
    public string? Consumer { get; set; }
}

internal sealed class RawConsumerPolicy
{
    public string? Name { get; set; }
    public List<string>? Routes { get; set; }
    public List<string>? Models { get; set; }
    public RawLimits? Limits { get; set; }

    // Stricter-only additions to every route the consumer uses: more deny patterns, entity types always blocked.
    public List<string>? DenyPatterns { get; set; }
    public List<string>? BlockEntities { get; set; }
}

internal sealed class RawLimits
{
    public long? RequestsPerMinute { get; set; }
    public long? TokensPerMinute { get; set; }
    public long? TokensPerDay { get; set; }
    public long? TokensPerMonth { get; set; }
}
