using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Pipeline;

/// <summary>What the gateway decided about a request.</summary>
internal enum Decision
{
    Allowed,
    Blocked,
    Redacted,
    Passthrough,
    Error,
}

/// <summary>
/// Everything the pipeline learns about one request, in one typed object on <c>HttpContext.Features</c>. Logging,
/// audit and metrics read it at the end; it holds counts, ids and timings, never texts or keys.
/// </summary>
internal sealed class GatewayRequestFeature(string requestId, long startTimestamp)
{
    public string RequestId { get; } = requestId;

    public long StartTimestamp { get; } = startTimestamp;

    public RouteConfig? Route { get; set; }

    public string? Shape { get; set; }

    public Decision Decision { get; set; } = Decision.Allowed;

    /// <summary>The rule or error code that decided, e.g. <c>deny_patterns[0]</c> or <c>invalid_json</c>.</summary>
    public string? Rule { get; set; }

    public int TextCount { get; set; }

    public long TextChars { get; set; }

    public long RequestBytes { get; set; }

    public bool Stream { get; set; }

    public int Attempts { get; set; }

    public int UpstreamStatus { get; set; }

    public TimeSpan UpstreamLatency { get; set; }

    /// <summary>The intelligent guard's outcome (Guard/), or null when the route has no guard or it did not run.</summary>
    public Guard.GuardOutcome? Guard { get; set; }
}
