using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Inspection;
using Bulwark.Gateway.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Gateway.Guard;

/// <summary>
/// Step 4c of the request path: asks the route's judge whether the request may go. In order:
/// <list type="number">
/// <item>Refuse a request marked as a guard call (the judge URL loops back through a guarded route).</item>
/// <item>Select the texts of the judged roles; nothing to judge is a skip, too much text is an error.</item>
/// <item>Answer from the verdict cache when the same content was judged recently.</item>
/// <item>Ask the circuit breaker, then wait (bounded) for a free judge slot.</item>
/// <item>Call the judge with the texts wrapped in per-call boundary markers, bounded by <c>timeout_ms</c>.</item>
/// <item>Turn the answer into an outcome: deny, allow, or an error decided by <c>on_error</c>; monitor mode never blocks.</item>
/// <item>Record the outcome on the request feature and in one log line, without content.</item>
/// </list>
/// </summary>
internal sealed class IntelligentGuard(GuardClient client, TimeProvider time, ILogger<IntelligentGuard> logger)
{
    public const string DeniedCode = "guard_denied";
    public const string UnavailableCode = "guard_unavailable";

    /// <summary>A reason sharing a run this long with the judged text is replaced: the judge quoted the request.</summary>
    private const int QuoteWindow = 24;

    private readonly ConditionalWeakTable<GuardConfig, GuardRuntime> _runtimes = new();

    /// <summary>The runtime state (cache, limiter, breaker) of a guard snapshot.</summary>
    internal GuardRuntime RuntimeOf(GuardConfig guard) => _runtimes.GetValue(guard, g => new GuardRuntime(g, time));

    /// <summary>Judges a request's texts. Never throws for an expected failure: errors are outcomes.</summary>
    public async Task<GuardOutcome> JudgeAsync(HttpContext context, RouteConfig route, GuardConfig guard, IReadOnlyList<InspectedText> texts)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        var started = time.GetTimestamp();
        var judged = new List<InspectedText>(texts.Count);
        var chars = 0L;
        foreach (var text in texts)
        {
            if (guard.Roles.Includes(text.Role) && text.Text.Length > 0)
            {
                judged.Add(text);
                chars += text.Text.Length;
            }
        }

        GuardOutcome outcome;
        if (context.Request.Headers.Via.ToString().Contains(GuardClient.ViaToken, StringComparison.OrdinalIgnoreCase))
        {
            outcome = new GuardOutcome(GuardResult.Error, [], null, GuardErrorKind.Loop, false, TimeSpan.Zero, guard.Mode, Blocked: true);
        }
        else if (judged.Count == 0)
        {
            outcome = new GuardOutcome(GuardResult.Skipped, [], null, GuardErrorKind.None, false, TimeSpan.Zero, guard.Mode, Blocked: false);
        }
        else if (chars > guard.MaxChars)
        {
            outcome = Failed(guard, GuardErrorKind.TooLarge, 0, started);
        }
        else
        {
            outcome = await CallAsync(route, guard, judged, feature.RequestId, started, context.RequestAborted).ConfigureAwait(false);
        }

        feature.Guard = outcome;
        GatewayLog.GuardVerdict(
            logger,
            feature.RequestId,
            route.Name,
            outcome.Result.ToString().ToLowerInvariant(),
            outcome.Categories.IsEmpty ? "-" : string.Join(',', outcome.Categories),
            ErrorName(outcome.Error),
            outcome.CacheHit,
            outcome.Mode == GuardMode.Monitor ? "monitor" : "enforce",
            outcome.Blocked,
            chars,
            outcome.Latency.TotalMilliseconds);
        return outcome;
    }

    private async Task<GuardOutcome> CallAsync(RouteConfig route, GuardConfig guard, List<InspectedText> judged, string requestId, long started, CancellationToken aborted)
    {
        var runtime = RuntimeOf(guard);
        var key = runtime.Cache.Enabled ? VerdictCache.Key(guard, judged) : null;
        if (key is not null && runtime.Cache.TryGet(key, out var cached))
        {
            return Decided(guard, cached!, judged, cacheHit: true, started);
        }

        if (!runtime.Breaker.TryEnter())
        {
            return Failed(guard, GuardErrorKind.BreakerOpen, 0, started);
        }

        JudgeAnswer answer;
        try
        {
            if (!await runtime.Slots.WaitAsync(guard.QueueTimeout, aborted).ConfigureAwait(false))
            {
                runtime.Breaker.OnAbandoned();
                return Failed(guard, GuardErrorKind.QueueTimeout, 0, started);
            }
        }
        catch (OperationCanceledException)
        {
            runtime.Breaker.OnAbandoned();
            return Failed(guard, GuardErrorKind.ClientCanceled, 0, started);
        }

        try
        {
            var nonce = GuardPrompt.NewNonce();
            answer = await client.AskAsync(guard, GuardPrompt.SystemMessage(guard.Policy, nonce), GuardPrompt.UserMessage(judged, nonce), aborted).ConfigureAwait(false);
        }
        finally
        {
            runtime.Slots.Release();
        }

        BreakerState? change;
        switch (answer.Error)
        {
            case GuardErrorKind.None:
                change = runtime.Breaker.OnSuccess();
                break;
            case GuardErrorKind.ClientCanceled:
                runtime.Breaker.OnAbandoned();
                change = null;
                break;
            default:
                change = runtime.Breaker.OnFailure();
                GatewayLog.GuardCallFailed(logger, requestId, route.Name, ErrorName(answer.Error), answer.Status);
                break;
        }

        if (change == BreakerState.Open)
        {
            GatewayLog.GuardBreakerOpened(logger, route.Name, guard.BreakDuration.TotalMilliseconds);
        }
        else if (change == BreakerState.Closed)
        {
            GatewayLog.GuardBreakerClosed(logger, route.Name);
        }

        if (answer.Verdict is not { } verdict)
        {
            return Failed(guard, answer.Error, answer.Status, started);
        }

        if (key is not null)
        {
            runtime.Cache.Set(key, verdict);
        }

        return Decided(guard, verdict, judged, cacheHit: false, started);
    }

    private GuardOutcome Decided(GuardConfig guard, GuardVerdict verdict, List<InspectedText> judged, bool cacheHit, long started) =>
        new(
            verdict.Allowed ? GuardResult.Allow : GuardResult.Deny,
            verdict.Categories,
            verdict.Allowed ? null : SafeReason(verdict.Reason, judged),
            GuardErrorKind.None,
            cacheHit,
            time.GetElapsedTime(started),
            guard.Mode,
            Blocked: !verdict.Allowed && guard.Mode == GuardMode.Enforce);

    private GuardOutcome Failed(GuardConfig guard, GuardErrorKind error, int status, long started) =>
        new(
            GuardResult.Error,
            [],
            null,
            error,
            false,
            time.GetElapsedTime(started),
            guard.Mode,
            Blocked: error != GuardErrorKind.ClientCanceled && guard.OnError == GuardFailMode.Deny && guard.Mode == GuardMode.Enforce)
        {
            JudgeStatus = status,
        };

    /// <summary>
    /// The judge's reason as the client may see it: dropped when it quotes the judged text (a system prompt the
    /// client did not write may be among the texts), since the text must never come back in an error.
    /// </summary>
    private static string? SafeReason(string? reason, List<InspectedText> judged)
    {
        if (reason is null)
        {
            return null;
        }

        for (var start = 0; start + QuoteWindow <= reason.Length; start++)
        {
            var window = reason.AsSpan(start, QuoteWindow);
            foreach (var text in judged)
            {
                if (text.Text.AsSpan().Contains(window, StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }
            }
        }

        return reason;
    }

    /// <summary>
    /// Writes the refusal when the outcome blocks: 403 <c>guard_denied</c> with the categories and a short reason, 503
    /// <c>guard_unavailable</c> when the judge failed under <c>on_error: deny</c>, 508 on a loop. Returns true when it wrote.
    /// </summary>
    public static async Task<bool> RefuseIfBlockedAsync(HttpContext context, RouteConfig route, Task<GuardOutcome> pending)
    {
        var outcome = await pending.ConfigureAwait(false);
        if (!outcome.Blocked)
        {
            return false;
        }

        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        feature.Decision = Decision.Blocked;
        if (outcome.Result == GuardResult.Deny)
        {
            feature.Rule = DeniedCode;
            var reason = outcome.Reason is { } r ? ": " + r.TrimEnd('.') : string.Empty;
            await GatewayErrors.WriteAsync(context, route.Provider, StatusCodes.Status403Forbidden, GatewayErrors.PolicyType, DeniedCode,
                $"The request was denied by the intelligent guard of route '{route.Name}'{reason}", categories: outcome.Categories).ConfigureAwait(false);
        }
        else if (outcome.Error == GuardErrorKind.Loop)
        {
            feature.Rule = "guard_loop";
            await GatewayErrors.WriteAsync(context, route.Provider, StatusCodes.Status508LoopDetected, GatewayErrors.GatewayType, "loop_detected",
                "A guard call reached a guarded route: point intelligent_guard.url at the judge itself, not at the gateway").ConfigureAwait(false);
        }
        else
        {
            feature.Rule = UnavailableCode;
            await GatewayErrors.WriteAsync(context, route.Provider, StatusCodes.Status503ServiceUnavailable, GatewayErrors.GatewayType, UnavailableCode,
                $"The intelligent guard of route '{route.Name}' could not judge the request ({ErrorName(outcome.Error)}) and the route fails closed").ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Parallel mode: a denial that arrives while the upstream call is still out cancels that call.</summary>
    public static void CancelOnBlock(Task<GuardOutcome> pending, CancellationTokenSource upstream)
    {
        _ = pending.ContinueWith(
            static (task, state) =>
            {
                if (task.Result.Blocked)
                {
                    try
                    {
                        ((CancellationTokenSource)state!).Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                        // The upstream call already finished.
                    }
                }
            },
            upstream,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);
    }

    public static string ErrorName(GuardErrorKind error) => error switch
    {
        GuardErrorKind.None => "none",
        GuardErrorKind.Timeout => "timeout",
        GuardErrorKind.HttpStatus => "http_status",
        GuardErrorKind.Unparsable => "unparsable",
        GuardErrorKind.Unreachable => "unreachable",
        GuardErrorKind.BreakerOpen => "breaker_open",
        GuardErrorKind.QueueTimeout => "queue_timeout",
        GuardErrorKind.TooLarge => "too_large",
        GuardErrorKind.Loop => "loop",
        GuardErrorKind.ClientCanceled => "client_canceled",
        _ => "unknown",
    };
}
