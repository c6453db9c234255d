using Bulwark.Gateway.Audit;

namespace Bulwark.Gateway.Storage;

/// <summary>A gateway key as stored: the SHA-256 of the key, never the key.</summary>
/// <param name="Id">Public id used to list and revoke, e.g. <c>key_3f2a...</c>.</param>
/// <param name="Hash">Lower-case hex SHA-256 of the whole key.</param>
/// <param name="Prefix">The first characters of the key, enough for a human to recognise it.</param>
internal sealed record GatewayKeyRecord(string Id, string Hash, string Prefix, string Consumer, string? Description, DateTimeOffset Created, DateTimeOffset? Revoked);

/// <summary>
/// The gateway's durable state: the audit trail, gateway keys and limit counters. SQLite for one gateway,
/// PostgreSQL when several replicas must share keys, budgets and revocations.
/// </summary>
internal interface IGatewayStore : IAuditSink, IAsyncDisposable
{
    /// <summary>Creates the tables if they do not exist. Safe to call from several processes at once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditEvent>> QueryAuditAsync(AuditQuery query, CancellationToken cancellationToken);

    Task<int> DeleteAuditBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    Task InsertKeyAsync(GatewayKeyRecord key, CancellationToken cancellationToken);

    Task<GatewayKeyRecord?> FindKeyByHashAsync(string hash, CancellationToken cancellationToken);

    Task<IReadOnlyList<GatewayKeyRecord>> ListKeysAsync(CancellationToken cancellationToken);

    /// <summary>Returns false when no such key exists or it was already revoked.</summary>
    Task<bool> RevokeKeyAsync(string id, DateTimeOffset when, CancellationToken cancellationToken);

    /// <summary>
    /// Adds <paramref name="amount"/> to a counter when it is below <paramref name="limit"/>, atomically across every
    /// process sharing the store. Returns the new value, or null when the counter was already at or over the limit.
    /// </summary>
    Task<long?> TryIncrementAsync(string counter, long window, long amount, long limit, CancellationToken cancellationToken);

    /// <summary>Adds a (possibly negative) delta unconditionally: settling a reservation or refunding it.</summary>
    Task AddAsync(string counter, long window, long delta, CancellationToken cancellationToken);

    Task<long> ReadCounterAsync(string counter, long window, CancellationToken cancellationToken);

    Task<int> DeleteCountersBeforeAsync(long window, CancellationToken cancellationToken);
}
