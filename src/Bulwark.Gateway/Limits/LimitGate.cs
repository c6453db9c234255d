using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Storage;

namespace Bulwark.Gateway.Limits;

/// <summary>One counter a request was admitted against, and how much it reserved there.</summary>
internal readonly record struct ReservedCounter(string Counter, long Window, long Amount, bool Tokens);

/// <summary>What an admitted request holds until it settles: the counters and its token estimate.</summary>
internal sealed class LimitReservation(IReadOnlyList<ReservedCounter> counters, long estimatedTokens)
{
    public IReadOnlyList<ReservedCounter> Counters { get; } = counters;

    public long EstimatedTokens { get; } = estimatedTokens;

    public int Settled;
}

/// <summary>Why a request was refused: the limit's rule id and when to retry.</summary>
internal sealed record LimitRefusal(string Rule, bool Budget, TimeSpan RetryAfter);

/// <summary>
/// Requests and tokens per minute, token budgets per day and month, for a consumer and for a route. A request is
/// admitted when every counter it touches is still below its limit, and then reserves its estimate on each; the
/// check and the reservation are one atomic statement per counter in the shared store. So a burst of concurrent
/// requests overruns a budget by at most the one request that crossed it (plus how far its estimate was low).
/// After the response, the reservation is settled with the upstream's real usage.
/// </summary>
internal sealed class LimitGate(IGatewayStore store, TimeProvider time)
{
    /// <summary>Reserves; returns the reservation (null when no limit applies) or a refusal.</summary>
    public async Task<(LimitReservation? Reservation, LimitRefusal? Refusal)> ReserveAsync(
        string consumerKey, LimitSettings? consumerLimits, RouteConfig route, long estimatedTokens, CancellationToken cancellationToken)
    {
        if (consumerLimits is null && route.Limits is null)
        {
            return (null, null);
        }

        var now = time.GetUtcNow();
        var plan = new List<(string Counter, LimitWindow Window, long Amount, long Limit, string Rule, bool Tokens)>(8);
        Plan(plan, "consumer", "c:" + consumerKey, consumerLimits, estimatedTokens);
        Plan(plan, "route", "r:" + route.Name, route.Limits, estimatedTokens);

        var reserved = new List<ReservedCounter>(plan.Count);
        foreach (var step in plan)
        {
            var (start, remaining) = LimitWindows.Current(step.Window, now);
            var counter = step.Counter;
            long? value;
            try
            {
                value = await store.TryIncrementAsync(counter, start, step.Amount, step.Limit, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await RefundAsync(reserved).ConfigureAwait(false);
                throw;
            }

            if (value is null)
            {
                await RefundAsync(reserved).ConfigureAwait(false);
                var retry = remaining < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : remaining;
                return (null, new LimitRefusal(step.Rule, step.Window != LimitWindow.Minute, retry));
            }

            reserved.Add(new ReservedCounter(counter, start, step.Amount, step.Tokens));
        }

        return (new LimitReservation(reserved, estimatedTokens), null);
    }

    /// <summary>
    /// Replaces the token estimate with the real count on every token counter. Safe to call once per reservation;
    /// later calls do nothing.
    /// </summary>
    public async Task SettleAsync(LimitReservation reservation, long actualTokens, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref reservation.Settled, 1) == 1)
        {
            return;
        }

        foreach (var counter in reservation.Counters)
        {
            var delta = actualTokens - counter.Amount;
            if (counter.Tokens && delta != 0)
            {
                await store.AddAsync(counter.Counter, counter.Window, delta, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RefundAsync(List<ReservedCounter> reserved)
    {
        foreach (var counter in reserved)
        {
            if (counter.Amount != 0)
            {
                await store.AddAsync(counter.Counter, counter.Window, -counter.Amount, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static void Plan(List<(string, LimitWindow, long, long, string, bool)> plan, string scope, string key, LimitSettings? limits, long tokens)
    {
        if (limits is null)
        {
            return;
        }

        if (limits.RequestsPerMinute is { } rpm)
        {
            plan.Add((key + ":rpm", LimitWindow.Minute, 1, rpm, $"limit.{scope}.requests_per_minute", false));
        }

        if (limits.TokensPerMinute is { } tpm)
        {
            plan.Add((key + ":tpm", LimitWindow.Minute, tokens, tpm, $"limit.{scope}.tokens_per_minute", true));
        }

        if (limits.TokensPerDay is { } tpd)
        {
            plan.Add((key + ":tpd", LimitWindow.Day, tokens, tpd, $"limit.{scope}.tokens_per_day", true));
        }

        if (limits.TokensPerMonth is { } tpmo)
        {
            plan.Add((key + ":tpmo", LimitWindow.Month, tokens, tpmo, $"limit.{scope}.tokens_per_month", true));
        }
    }
}
