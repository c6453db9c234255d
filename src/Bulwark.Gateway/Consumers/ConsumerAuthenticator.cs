using System.Collections.Concurrent;
using System.Net;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Gateway.Consumers;

/// <summary>How a request's consumer was established.</summary>
internal enum IdentitySource
{
    Anonymous,
    GatewayKey,
    TrustedHeader,
    SourceCidr,
}

/// <summary>Who sent a request. <see cref="Name"/> is null for anonymous requests.</summary>
internal sealed record ConsumerIdentity(string? Name, IdentitySource Source, string? KeyId)
{
    public static ConsumerIdentity Anonymous { get; } = new(null, IdentitySource.Anonymous, null);
}

/// <summary>The outcome of authentication: an identity, or a refusal to send (status, code, message).</summary>
internal readonly record struct Authentication(ConsumerIdentity? Identity, int Status, string? Code, string? Message)
{
    public static Authentication Refuse(int status, string code, string message) => new(null, status, code, message);
}

/// <summary>
/// Step 1 of the pipeline: who is calling. In order: a gateway key (<c>Authorization: Bearer</c>, <c>api-key</c> or
/// <c>x-api-key</c> holding a <c>bwk_</c> key), then the trusted identity header when the connection comes from a
/// trusted proxy, then the source network. Otherwise the request is anonymous, refused unless the config allows it.
/// A presented gateway key that is unknown or revoked is refused outright rather than falling back. The key header is
/// removed from the request, so no path (passthrough included) forwards it.
/// </summary>
internal sealed class ConsumerAuthenticator(IGatewayStore store, TimeProvider time, ILogger<ConsumerAuthenticator> logger)
{
    /// <summary>How long a key lookup is reused: a revocation is seen by every replica within this time.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(2);

    private const int MaxCachedKeys = 10_000;
    private static readonly string[] KeyHeaders = [HeaderNames.Authorization, "api-key", "x-api-key"];

    private readonly ConcurrentDictionary<string, CachedKey> _cache = new(StringComparer.Ordinal);

    public async ValueTask<Authentication> AuthenticateAsync(HttpContext context, ConsumerSettings settings)
    {
        var (key, header) = FindGatewayKey(context.Request.Headers);
        if (key is not null)
        {
            context.Request.Headers.Remove(header!);
            return await AuthenticateKeyAsync(key, context.RequestAborted).ConfigureAwait(false);
        }

        if (!settings.Configured)
        {
            return new Authentication(ConsumerIdentity.Anonymous, 0, null, null);
        }

        var remote = context.Connection.RemoteIpAddress;
        if (remote is { IsIPv4MappedToIPv6: true })
        {
            remote = remote.MapToIPv4();
        }

        if (settings.TrustedIdentityHeader is { } trustedHeader)
        {
            var claimed = context.Request.Headers[trustedHeader].ToString().Trim();
            context.Request.Headers.Remove(trustedHeader); // never forwarded, never trusted from anyone else
            if (claimed.Length > 0)
            {
                if (remote is null || !Contains(settings.TrustedHeaderSources, remote))
                {
                    return Authentication.Refuse(StatusCodes.Status401Unauthorized, "untrusted_identity_header",
                        $"The {trustedHeader} header is accepted only from the configured trusted sources");
                }

                if (claimed.Length > 128 || claimed.Any(char.IsControl))
                {
                    return Authentication.Refuse(StatusCodes.Status400BadRequest, "invalid_identity_header", $"The {trustedHeader} header is not a consumer name");
                }

                return new Authentication(new ConsumerIdentity(claimed, IdentitySource.TrustedHeader, null), 0, null, null);
            }
        }

        if (remote is not null)
        {
            foreach (var cidr in settings.Cidrs)
            {
                if (cidr.Network.Contains(remote))
                {
                    return new Authentication(new ConsumerIdentity(cidr.Consumer, IdentitySource.SourceCidr, null), 0, null, null);
                }
            }
        }

        return settings.AllowAnonymous
            ? new Authentication(ConsumerIdentity.Anonymous, 0, null, null)
            : Authentication.Refuse(StatusCodes.Status401Unauthorized, "missing_gateway_key",
                "This gateway requires a gateway key (Authorization: Bearer bwk_...); ask the gateway's operator for one");
    }

    /// <summary>Drops cached lookups (after a revocation made through this process).</summary>
    public void Forget() => _cache.Clear();

    private async ValueTask<Authentication> AuthenticateKeyAsync(string key, CancellationToken cancellationToken)
    {
        var hash = GatewayKeys.Hash(key);
        var now = time.GetTimestamp(); // monotonic: a wall-clock jump neither freezes nor flushes the cache
        GatewayKeyRecord? record;
        if (_cache.TryGetValue(hash, out var cached) && time.GetElapsedTime(cached.At, now) < CacheLifetime)
        {
            record = cached.Record;
        }
        else
        {
            try
            {
                record = await store.FindKeyByHashAsync(hash, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Fail closed: a key that cannot be checked is not accepted.
                ConsumerLog.KeyStoreUnavailable(logger, e.GetType().Name);
                return Authentication.Refuse(StatusCodes.Status503ServiceUnavailable, "key_store_unavailable", "Gateway keys cannot be checked right now; retry shortly");
            }

            if (_cache.Count >= MaxCachedKeys)
            {
                _cache.Clear(); // unknown keys are cached too; bound what random keys can fill
            }

            _cache[hash] = new CachedKey(record, now);
        }

        if (record is null || !GatewayKeys.HashesEqual(record.Hash, hash))
        {
            return Authentication.Refuse(StatusCodes.Status401Unauthorized, "invalid_gateway_key", "The gateway key is not valid");
        }

        if (record.Revoked is not null)
        {
            return Authentication.Refuse(StatusCodes.Status401Unauthorized, "revoked_gateway_key", $"The gateway key {record.Id} has been revoked");
        }

        return new Authentication(new ConsumerIdentity(record.Consumer, IdentitySource.GatewayKey, record.Id), 0, null, null);
    }

    private static (string? Key, string? Header) FindGatewayKey(IHeaderDictionary headers)
    {
        foreach (var name in KeyHeaders)
        {
            var value = headers[name].ToString().AsSpan().Trim();
            if (name == HeaderNames.Authorization && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                value = value["Bearer ".Length..].Trim();
            }

            if (GatewayKeys.LooksLikeKey(value))
            {
                return (value.ToString(), name);
            }
        }

        return (null, null);
    }

    private static bool Contains(System.Collections.Immutable.ImmutableArray<IPNetwork> networks, IPAddress address)
    {
        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct CachedKey(GatewayKeyRecord? Record, long At);
}

internal static partial class ConsumerLog
{
    [LoggerMessage(40, LogLevel.Error, "The key store is unavailable ({ExceptionType}); requests with gateway keys are refused until it returns")]
    public static partial void KeyStoreUnavailable(ILogger logger, string exceptionType);
}
