using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Credentials;

namespace Bulwark.Gateway.Guard;

/// <summary>What happens when the judge cannot give a verdict (timeout, 5xx, unparsable answer, unreachable, breaker open).</summary>
internal enum GuardFailMode
{
    /// <summary>Fail closed: refuse the request.</summary>
    Deny,

    /// <summary>Fail open: forward the request as if the judge had allowed it.</summary>
    Allow,
}

internal enum GuardMode
{
    /// <summary>Denials refuse the request.</summary>
    Enforce,

    /// <summary>Verdicts are recorded and logged; every request is forwarded (roll-out).</summary>
    Monitor,
}

/// <summary>A route's intelligent guard, validated. Runtime state (cache, limiter, breaker) lives in <see cref="GuardRuntime"/>.</summary>
/// <param name="Endpoint">The judge's OpenAI-compatible chat completions URL.</param>
/// <param name="Model">Sent as <c>model</c>; omitted when null (servers that serve one model).</param>
/// <param name="Policy">What the judge must refuse. Bulwark appends the output format and the data-boundary rules.</param>
/// <param name="JsonMode">Ask for <c>response_format: {"type":"json_object"}</c>; off for servers that reject it.</param>
/// <param name="MaxChars">Judged text longer than this is not sent; it counts as an error under <see cref="OnError"/>.</param>
/// <param name="Parallel">Start the judge and the upstream call together; hold the response until the verdict.</param>
internal sealed record GuardConfig(
    Uri Endpoint,
    string? Model,
    SecretReference? ApiKey,
    string Policy,
    TimeSpan Timeout,
    GuardFailMode OnError,
    GuardMode Mode,
    RoleFilter Roles,
    bool JsonMode,
    int MaxChars,
    int CacheSize,
    TimeSpan CacheTtl,
    int MaxConcurrency,
    TimeSpan QueueTimeout,
    int BreakerFailureThreshold,
    TimeSpan BreakDuration,
    bool Parallel)
{
    public const int DefaultTimeoutMs = 3_000;
    public const int DefaultMaxChars = 64_000;
    public const int DefaultCacheSize = 10_000;
    public const int DefaultCacheTtlSeconds = 300;
    public const int DefaultMaxConcurrency = 32;
    public const int DefaultFailureThreshold = 5;
    public const int DefaultBreakMs = 30_000;
}
