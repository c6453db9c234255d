using YamlDotNet.Serialization;

namespace Bulwark.Gateway.Configuration;

// The YAML file as written, before validation. Field names follow the file (snake_case) and are mapped by
// YamlDotNet's underscored naming convention. Nothing outside ConfigLoader should see these types: the rest of
// the gateway works with the validated, immutable GatewayConfig.

internal sealed class RawConfig
{
    public string? Listen { get; set; }
    public string? AdminListen { get; set; }
    public string? UnknownHosts { get; set; }
    public long? MaxBodyBytes { get; set; }
    public List<RawRoute>? Routes { get; set; }

    /// <summary>
    /// An Alibaba Cloud ASM LLMProxy plug-in's <c>pluginConfig</c>, pasted as it is: it becomes a route named
    /// <c>llmproxy</c>, after the routes listed under <c>routes</c>.
    /// </summary>
    [YamlMember(Alias = "pluginConfig", ApplyNamingConventions = false)]
    public RawRoute? PluginConfig { get; set; }

    // Operations (RawOperationsConfig.cs): storage, audit trail, consumers.
    public RawStorage? Storage { get; set; }
    public RawAudit? Audit { get; set; }
    public RawConsumers? Consumers { get; set; }
    public string? AdminToken { get; set; }
}

internal sealed class RawRoute
{
    public string? Name { get; set; }
    public string? Provider { get; set; }
    public List<string>? Hosts { get; set; }
    public string? PathPrefix { get; set; }
    public string? Upstream { get; set; }
    public string? UpstreamCaFile { get; set; }

    // Keys: the LLMProxy plug-in's single `api_key`, or several for rotation.
    public string? ApiKey { get; set; }
    public List<string>? ApiKeys { get; set; }
    public int? KeyCooldownSeconds { get; set; }

    // Rules: the LLMProxy plug-in's fields, verbatim.
    public List<string>? DenyPatterns { get; set; }
    public List<string>? AllowPatterns { get; set; }
    public List<string>? InspectRoles { get; set; }
    public bool? AllowUnknownShapes { get; set; }

    public long? MaxBodyBytes { get; set; }
    public int? TimeoutMs { get; set; }

    // The plug-in's private guard LLM, judged by Guard/IntelligentGuard (docs/guard.md).
    public RawGuard? IntelligentGuard { get; set; }

    // Built-in and custom detectors, and what to do with what they find.
    public RawDetection? Detection { get; set; }

    // Requests and tokens per minute, token budgets per day and month, shared by every consumer of the route.
    public RawLimits? Limits { get; set; }
}

internal sealed class RawDetection
{
    public bool? Enabled { get; set; }

    /// <summary>Start from the built-in default policy (true) or from nothing (false).</summary>
    public bool? InheritDefaults { get; set; }

    public Dictionary<string, RawEntityRule>? Request { get; set; }
    public Dictionary<string, RawEntityRule>? Response { get; set; }
    public RawEntityRule? Default { get; set; }
    public string? HashSalt { get; set; }
    public bool? ScanResponses { get; set; }
    public int? StreamHoldback { get; set; }
    public List<RawCustomEntity>? CustomEntities { get; set; }
}

internal sealed class RawEntityRule
{
    public string? Action { get; set; }
    public string? Operator { get; set; }
    public int? Keep { get; set; }
    public string? MaskChar { get; set; }
    public double? Threshold { get; set; }
}

internal sealed class RawCustomEntity
{
    public string? Entity { get; set; }
    public string? Pattern { get; set; }
    public List<string>? Keywords { get; set; }
    public string? KeywordsFile { get; set; }
    public List<string>? Context { get; set; }
    public int? ContextWindow { get; set; }
    public double? Score { get; set; }
    public bool? IgnoreCase { get; set; }
}

internal sealed class RawGuard
{
    // The LLMProxy plug-in's fields, verbatim.
    public string? ApiKey { get; set; }
    public string? Host { get; set; }
    public string? Model { get; set; }
    public string? Path { get; set; }
    public int? Port { get; set; }
    public string? Url { get; set; }

    // Bulwark's guard (Guard/, docs/guard.md).
    public string? Prompt { get; set; }
    public int? TimeoutMs { get; set; }
    public string? OnError { get; set; }
    public string? Mode { get; set; }
    public List<string>? Roles { get; set; }
    public List<string>? Directions { get; set; }
    public bool? JsonMode { get; set; }
    public int? MaxChars { get; set; }
    public int? CacheSize { get; set; }
    public int? CacheTtlSeconds { get; set; }
    public int? MaxConcurrency { get; set; }
    public int? QueueTimeoutMs { get; set; }
    public RawGuardBreaker? CircuitBreaker { get; set; }
    public bool? Parallel { get; set; }
}

internal sealed class RawGuardBreaker
{
    public int? FailureThreshold { get; set; }
    public int? BreakMs { get; set; }
}
