using System.Collections.Immutable;
using System.Net;
using System.Text.RegularExpressions;
using Bulwark.Gateway.Credentials;
using Bulwark.Gateway.Guard;

namespace Bulwark.Gateway.Configuration;

/// <summary>
/// One validated, immutable configuration snapshot. A request runs from start to end on the snapshot it started
/// with; a reload swaps in a new one atomically.
/// </summary>
internal sealed record GatewayConfig(
    string Source,
    IPEndPoint Listen,
    IPEndPoint AdminListen,
    UnknownHostsPolicy UnknownHosts,
    ImmutableArray<RouteConfig> Routes)
{
    public const long DefaultMaxBodyBytes = 10 * 1024 * 1024;
    public const int DefaultTimeoutMs = 300_000;
    public const int DefaultKeyCooldownSeconds = 30;

    // Operations (OperationsConfig.cs). Storage changes take effect after a restart.
    public StorageSettings Storage { get; init; } = new(StorageKind.Sqlite, Path.GetFullPath(StorageSettings.DefaultSqliteFile), null);
    public AuditSettings Audit { get; init; } = new(true, AuditSettings.DefaultRetentionDays, Path.GetFullPath("data/spool"), AuditSettings.DefaultBatchSize, TimeSpan.FromMilliseconds(AuditSettings.DefaultFlushIntervalMs));
    public ConsumerSettings Consumers { get; init; } = ConsumerSettings.Unconfigured;

    /// <summary>When set, the admin API's /admin/ endpoints require it as a bearer token; when not, they answer loopback callers only.</summary>
    public SecretReference? AdminToken { get; init; }
}

internal enum UnknownHostsPolicy
{
    /// <summary>Requests for hosts without a route are forwarded untouched.</summary>
    Passthrough,

    /// <summary>Requests for hosts without a route are refused (egress control).</summary>
    Deny,
}

/// <summary>The provider decides how the key is injected and how errors are shaped.</summary>
internal enum Provider
{
    OpenAI,
    DashScope,
    Azure,
    Anthropic,
}

internal sealed record RouteConfig(
    string Name,
    Provider Provider,
    ImmutableArray<HostPattern> Hosts,
    string? PathPrefix,
    Uri Upstream,
    string? UpstreamCaFile,
    KeyRing Keys,
    DenyPatternSet DenyPatterns,
    ImmutableArray<CompiledPattern> AllowPatterns,
    RoleFilter InspectRoles,
    bool AllowUnknownShapes,
    long MaxBodyBytes,
    TimeSpan Timeout,
    GuardConfig? Guard,
    RouteDetection? Detection)
{
    /// <summary>Limits shared by every consumer of this route; null for none.</summary>
    public LimitSettings? Limits { get; init; }
}

/// <summary>An operator pattern, compiled to run in linear time where .NET can, with a match timeout where it cannot.</summary>
/// <param name="Id">Stable rule id used in denials and logs, e.g. <c>deny_patterns[2]</c>; never the pattern text.</param>
internal sealed record CompiledPattern(string Id, Regex Regex, bool Linear);

/// <summary>Which chat roles are inspected. Empty means all roles.</summary>
internal sealed record RoleFilter(ImmutableHashSet<string> Roles)
{
    public static RoleFilter All { get; } = new(ImmutableHashSet<string>.Empty);

    public bool Includes(string? role) => Roles.IsEmpty || (role is not null && Roles.Contains(role));
}
