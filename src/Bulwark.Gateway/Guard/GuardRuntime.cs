namespace Bulwark.Gateway.Guard;

/// <summary>
/// The live state of one route's guard: its verdict cache, its concurrency limiter and its circuit breaker. Tied to
/// the <see cref="GuardConfig"/> snapshot it serves, so a config reload (which may change the prompt, the model or
/// the limits) starts from fresh state, and the old state is collected with the old snapshot.
/// </summary>
internal sealed class GuardRuntime(GuardConfig guard, TimeProvider time)
{
    public VerdictCache Cache { get; } = new(guard.CacheSize, guard.CacheTtl, time);

    public SemaphoreSlim Slots { get; } = new(guard.MaxConcurrency, guard.MaxConcurrency);

    public CircuitBreaker Breaker { get; } = new(guard.BreakerFailureThreshold, guard.BreakDuration, time);
}
