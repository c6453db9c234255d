using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Consumers;
using Bulwark.Gateway.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Admin;

/// <summary>
/// The admin API under <c>/admin/</c>: gateway keys and the audit trail.
/// <list type="bullet">
/// <item><c>POST /admin/keys</c> <c>{"consumer":"billing","description":"..."}</c>: creates a key; the answer is the only time the key is shown.</item>
/// <item><c>GET /admin/keys</c>: lists keys (id, prefix, consumer, created, revoked; never hashes).</item>
/// <item><c>DELETE /admin/keys/{id}</c>: revokes a key; every replica refuses it within seconds.</item>
/// <item><c>GET /admin/audit?from=&amp;to=&amp;consumer=&amp;route=&amp;decision=&amp;limit=</c>: audit events as JSONL.</item>
/// </list>
/// When <c>admin_token</c> is configured every call needs <c>Authorization: Bearer</c> with it; otherwise only
/// loopback callers are answered.
/// </summary>
internal static class OperationsApi
{
    public const string PathPrefix = "/admin/";

    public static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var config = services.GetRequiredService<ConfigManager>().Current;
        if (!IsAuthorized(context, config))
        {
            await WriteAsync(context, StatusCodes.Status401Unauthorized, new() { ["error"] = "admin API: send Authorization: Bearer <admin_token>, or call from loopback when no admin_token is set" }).ConfigureAwait(false);
            return;
        }

        var store = services.GetRequiredService<IGatewayStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var path = context.Request.Path.Value!;
        var method = context.Request.Method;
        try
        {
            if (path == "/admin/keys" && HttpMethods.IsPost(method))
            {
                await CreateKeyAsync(context, store, time).ConfigureAwait(false);
            }
            else if (path == "/admin/keys" && HttpMethods.IsGet(method))
            {
                var keys = await store.ListKeysAsync(context.RequestAborted).ConfigureAwait(false);
                await WriteAsync(context, StatusCodes.Status200OK, new() { ["keys"] = keys.Select(KeyManagement.Describe).ToList() }).ConfigureAwait(false);
            }
            else if (path.StartsWith("/admin/keys/", StringComparison.Ordinal) && HttpMethods.IsDelete(method))
            {
                var id = path["/admin/keys/".Length..];
                var revoked = await store.RevokeKeyAsync(id, time.GetUtcNow(), context.RequestAborted).ConfigureAwait(false);
                services.GetRequiredService<ConsumerAuthenticator>().Forget();
                await WriteAsync(context, revoked ? StatusCodes.Status200OK : StatusCodes.Status404NotFound,
                    new() { ["id"] = id, ["revoked"] = revoked }).ConfigureAwait(false);
            }
            else if (path == "/admin/audit" && HttpMethods.IsGet(method))
            {
                await QueryAuditAsync(context, store).ConfigureAwait(false);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or TimeoutException)
        {
            await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, new() { ["error"] = "the store is unavailable: " + e.GetType().Name }).ConfigureAwait(false);
        }
    }

    private static async Task CreateKeyAsync(HttpContext context, IGatewayStore store, TimeProvider time)
    {
        string? consumer = null, description = null;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            if (body.RootElement.ValueKind == JsonValueKind.Object)
            {
                consumer = body.RootElement.TryGetProperty("consumer", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                description = body.RootElement.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            }
        }
        catch (JsonException)
        {
        }

        if (KeyManagement.ValidateConsumerName(consumer) is { } error)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, new() { ["error"] = "send {\"consumer\":\"name\"}: " + error }).ConfigureAwait(false);
            return;
        }

        var (key, record) = await KeyManagement.CreateAsync(store, consumer!, description, time, context.RequestAborted).ConfigureAwait(false);
        context.Response.Headers.CacheControl = "no-store";
        var answer = KeyManagement.Describe(record);
        answer["key"] = key;
        await WriteAsync(context, StatusCodes.Status201Created, answer).ConfigureAwait(false);
    }

    private static async Task QueryAuditAsync(HttpContext context, IGatewayStore store)
    {
        var q = context.Request.Query;
        if (!TryParseQuery(q["from"], q["to"], q["consumer"], q["route"], q["decision"], q["limit"], out var query, out var error))
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, new() { ["error"] = error }).ConfigureAwait(false);
            return;
        }

        var events = await store.QueryAuditAsync(query!, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-ndjson";
        var text = new StringBuilder();
        foreach (var e in events)
        {
            text.Append(AuditJson.ToLine(e)).Append('\n');
        }

        await context.Response.WriteAsync(text.ToString(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Parses audit filters (shared with <c>bulwark audit query</c>). Times are ISO 8601.</summary>
    public static bool TryParseQuery(string? from, string? to, string? consumer, string? route, string? decision, string? limit, out AuditQuery? query, out string? error)
    {
        query = null;
        error = null;
        DateTimeOffset? fromTime = null, toTime = null;
        if (!string.IsNullOrEmpty(from))
        {
            if (!DateTimeOffset.TryParse(from, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var f))
            {
                error = $"from: '{from}' is not a time; write ISO 8601, e.g. 2025-01-31T00:00:00Z";
                return false;
            }

            fromTime = f;
        }

        if (!string.IsNullOrEmpty(to))
        {
            if (!DateTimeOffset.TryParse(to, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            {
                error = $"to: '{to}' is not a time; write ISO 8601, e.g. 2025-01-31T00:00:00Z";
                return false;
            }

            toTime = t;
        }

        var max = 1000;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max is < 1 or > 100_000))
        {
            error = "limit: write a number of events from 1 to 100000";
            return false;
        }

        if (decision is { Length: > 0 } && decision is not ("allowed" or "blocked" or "redacted" or "passthrough" or "error"))
        {
            error = "decision: use allowed, blocked, redacted, passthrough or error";
            return false;
        }

        query = new AuditQuery(fromTime, toTime, Empty(consumer), Empty(route), Empty(decision), max);
        return true;
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool IsAuthorized(HttpContext context, GatewayConfig config)
    {
        if (config.AdminToken is { } token)
        {
            var header = context.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                return false;
            }

            var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
            var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token.GetValue()));
            return CryptographicOperations.FixedTimeEquals(presented, expected);
        }

        return context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);
    }

    private static Task WriteAsync(HttpContext context, int status, Dictionary<string, object?> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, AuditJson.Options), context.RequestAborted);
    }
}
