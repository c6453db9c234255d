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

    // The plug-in's private guard LLM. Accepted and validated now; judged by the guard feature.
    public RawGuard? IntelligentGuard { get; set; }

    // Requests and tokens per minute, token budgets per day and month, shared by every consumer of the route.
    public RawLimits? Limits { get; set; }
}

internal sealed class RawGuard
{
    public string? ApiKey { get; set; }
    public string? Host { get; set; }
    public string? Model { get; set; }
    public string? Path { get; set; }
    public int? Port { get; set; }
    public string? Url { get; set; }
}
