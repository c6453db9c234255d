using System.Globalization;
using System.Text.Json;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Limits;
using Bulwark.Gateway.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Gateway.Consumers;

/// <summary>
/// The pipeline's calls into consumers and limits, one per step: <see cref="AuthenticateAsync"/> (who is calling),
/// <see cref="AdmitAsync"/> (may this consumer use this route and model, and is there budget left: the pre-check),
/// <see cref="SettleAsync"/> (replace the estimate with the upstream's usage). Each writes its own refusal and
/// returns false when the request must stop.
/// </summary>
internal sealed class AccessControl(ConsumerAuthenticator authenticator, LimitGate limits, ILogger<AccessControl> logger)
{
    /// <summary>The consumer key that anonymous requests share for limits.</summary>
    public const string AnonymousKey = "(anonymous)";

    public async ValueTask<bool> AuthenticateAsync(HttpContext context, GatewayConfig config, GatewayRequestFeature feature)
    {
        var result = await authenticator.AuthenticateAsync(context, config.Consumers).ConfigureAwait(false);
        if (result.Identity is { } identity)
        {
            feature.Consumer = identity;
            return true;
        }

        feature.Decision = Decision.Blocked;
        feature.Rule = result.Code;
        await GatewayErrors.WriteAsync(context, feature.Route?.Provider ?? Provider.OpenAI, result.Status,
            result.Status == StatusCodes.Status503ServiceUnavailable ? GatewayErrors.GatewayType : "invalid_request_error",
            result.Code!, result.Message!).ConfigureAwait(false);
        return false;
    }

    /// <summary>Route and model allow-lists, then the limit pre-check with the request's token estimate.</summary>
    public async ValueTask<bool> AdmitAsync(HttpContext context, GatewayConfig config, RouteConfig route, GatewayRequestFeature feature, JsonElement? body)
    {
        var settings = config.Consumers;
        var identity = feature.Consumer ?? ConsumerIdentity.Anonymous;
        if (body is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
        {
            var name = model.GetString();
            feature.Model = name is { Length: > 200 } ? name[..200] : name;
        }

        var policy = identity.Name is { } consumer && settings.Policies.TryGetValue(consumer, out var p) ? p : null;
        if (policy is not null)
        {
            if (!policy.Routes.IsEmpty && !policy.Routes.Contains(route.Name))
            {
                return await RefuseAsync(context, feature, route, StatusCodes.Status403Forbidden, "route_not_allowed",
                    $"Consumer '{identity.Name}' may not use route '{route.Name}'").ConfigureAwait(false);
            }

            if (!policy.Models.IsEmpty && (feature.Model is null || !policy.Models.Contains(feature.Model)))
            {
                return await RefuseAsync(context, feature, route, StatusCodes.Status403Forbidden, "model_not_allowed",
                    $"Consumer '{identity.Name}' may not use this model on route '{route.Name}'", "model").ConfigureAwait(false);
            }
        }

        var consumerLimits = policy?.Limits ?? settings.DefaultLimits;
        var estimate = TokenEstimate.Estimate(body, feature.TextChars, settings.CompletionTokenEstimate);
        LimitReservation? reservation;
        LimitRefusal? refusal;
        try
        {
            (reservation, refusal) = await limits.ReserveAsync(identity.Name ?? AnonymousKey, consumerLimits, route, estimate, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Fail closed: without the counters no limit can be enforced.
            AccessLog.LimitStoreUnavailable(logger, feature.RequestId, e.GetType().Name);
            feature.Decision = Decision.Error;
            feature.Rule = "limit_store_unavailable";
            await GatewayErrors.WriteAsync(context, route.Provider, StatusCodes.Status503ServiceUnavailable, GatewayErrors.GatewayType,
                "limit_store_unavailable", "Limits cannot be checked right now; retry shortly").ConfigureAwait(false);
            return false;
        }

        if (refusal is not null)
        {
            var seconds = (int)Math.Ceiling(refusal.RetryAfter.TotalSeconds);
            context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
            feature.Decision = Decision.Blocked;
            feature.Rule = refusal.Rule;
            var message = refusal.Budget
                ? $"The token budget {refusal.Rule} is used up; it renews in {seconds} s"
                : $"Rate limit {refusal.Rule} reached; retry in {seconds} s";
            await GatewayErrors.WriteAsync(context, route.Provider, StatusCodes.Status429TooManyRequests,
                refusal.Budget ? "insufficient_quota" : "rate_limit_exceeded",
                refusal.Budget ? "insufficient_quota" : "rate_limit_exceeded", message).ConfigureAwait(false);
            return false;
        }

        feature.Reservation = reservation;
        return true;
    }

    /// <summary>
    /// Settles the reservation: the upstream's usage when it reported one; the estimate when it answered 2xx without
    /// usage (the tokens were likely spent); nothing when the request failed before the upstream produced anything.
    /// </summary>
    public async Task SettleAsync(GatewayRequestFeature feature)
    {
        if (feature.UsageTap is { } tap)
        {
            feature.Usage = tap.Complete();
            feature.UsageTap = null;
        }

        if (feature.Reservation is not { } reservation)
        {
            return;
        }

        var actual = feature.Usage?.TotalTokens
            ?? (feature.UpstreamStatus is >= 200 and < 300 ? reservation.EstimatedTokens : 0);
        try
        {
            await limits.SettleAsync(reservation, actual, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            AccessLog.SettleFailed(logger, feature.RequestId, e.GetType().Name);
        }
    }

    private static async ValueTask<bool> RefuseAsync(HttpContext context, GatewayRequestFeature feature, RouteConfig route, int status, string code, string message, string? param = null)
    {
        feature.Decision = Decision.Blocked;
        feature.Rule = code;
        await GatewayErrors.WriteAsync(context, route.Provider, status, GatewayErrors.PolicyType, code, message, param).ConfigureAwait(false);
        return false;
    }
}

internal static partial class AccessLog
{
    [LoggerMessage(41, LogLevel.Error, "Request {RequestId}: the limit store is unavailable ({ExceptionType}); request refused")]
    public static partial void LimitStoreUnavailable(ILogger logger, string requestId, string exceptionType);

    [LoggerMessage(42, LogLevel.Warning, "Request {RequestId}: settling token usage failed ({ExceptionType}); the estimate stays counted")]
    public static partial void SettleFailed(ILogger logger, string requestId, string exceptionType);
}
