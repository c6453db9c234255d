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
