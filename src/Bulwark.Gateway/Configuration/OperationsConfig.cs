using System.Collections.Immutable;
using System.Net;
using Bulwark.Gateway.Credentials;

namespace Bulwark.Gateway.Configuration;

// The validated operations blocks of the config: where state is stored, how the audit trail is written, how
// consumers are identified and what each may use. Like the rest of GatewayConfig these are immutable snapshots.

/// <summary>Which database holds the audit trail, gateway keys and limit counters.</summary>
internal enum StorageKind
{
    /// <summary>One SQLite file in WAL mode: the embedded default for a single gateway.</summary>
    Sqlite,

    /// <summary>PostgreSQL: shared by every replica, so budgets and revocations are seen by all of them.</summary>
    Postgres,
}

/// <param name="Path">The SQLite file (absolute).</param>
/// <param name="ConnectionString">The PostgreSQL connection string (a secret reference; never logged).</param>
internal sealed record StorageSettings(StorageKind Kind, string? Path, SecretReference? ConnectionString)
{
    public const string DefaultSqliteFile = "data/bulwark.db";
}

/// <summary>How audit events are written: in batches off the request path, spooled to a file when the store is down.</summary>
/// <param name="Journal">Append each event to a journal file before queueing it, so a crash loses none (AuditJournal).</param>
internal sealed record AuditSettings(bool Enabled, int RetentionDays, string SpoolDirectory, int BatchSize, TimeSpan FlushInterval, bool Journal = true)
{
    public const int DefaultRetentionDays = 90;
    public const int DefaultBatchSize = 256;
    public const int DefaultFlushIntervalMs = 500;
}

/// <summary>A source network and the consumer every request from it is.</summary>
internal sealed record CidrConsumer(IPNetwork Network, string Consumer);

/// <summary>
/// How requests are tied to consumers. <see cref="Configured"/> is false when the config has no <c>consumers</c>
/// block: then every request is anonymous and allowed, as before consumers existed.
/// </summary>
internal sealed record ConsumerSettings(
    bool Configured,
    bool AllowAnonymous,
    string? TrustedIdentityHeader,
    ImmutableArray<IPNetwork> TrustedHeaderSources,
    ImmutableArray<CidrConsumer> Cidrs,
    ImmutableDictionary<string, ConsumerPolicy> Policies,
    LimitSettings? DefaultLimits,
    int CompletionTokenEstimate)
{
    public const int DefaultCompletionTokenEstimate = 1024;

    public static ConsumerSettings Unconfigured { get; } = new(false, true, null, [], [], ImmutableDictionary<string, ConsumerPolicy>.Empty, null, DefaultCompletionTokenEstimate);
}

/// <summary>What one consumer may use. Empty sets mean "no restriction beyond the route's".</summary>
/// <summary>
/// A consumer's policy. <see cref="DenyPatterns"/> and <see cref="BlockEntities"/> only ever add to the route's rules:
/// a consumer can be stricter than its route, never looser.
/// </summary>
internal sealed record ConsumerPolicy(string Name, ImmutableHashSet<string> Routes, ImmutableHashSet<string> Models, LimitSettings? Limits)
{
    public DenyPatternSet DenyPatterns { get; init; } = DenyPatternSet.Empty;

    public ImmutableHashSet<string> BlockEntities { get; init; } = [];
}

/// <summary>Limits for a consumer or a route. Null means unlimited.</summary>
internal sealed record LimitSettings(long? RequestsPerMinute, long? TokensPerMinute, long? TokensPerDay, long? TokensPerMonth)
{
    public bool IsEmpty => RequestsPerMinute is null && TokensPerMinute is null && TokensPerDay is null && TokensPerMonth is null;
}
