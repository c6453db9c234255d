using Bulwark.Gateway.Guard;

namespace Bulwark.Gateway.Tests.Guard;

public sealed class CircuitBreakerTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void ConsecutiveFailures_OpenTheBreaker_ForTheBreakDuration()
    {
        var breaker = new CircuitBreaker(3, TimeSpan.FromSeconds(10), _time);
        for (var i = 0; i < 2; i++)
        {
            breaker.TryEnter().ShouldBeTrue();
            breaker.OnFailure().ShouldBeNull();
        }

        breaker.TryEnter().ShouldBeTrue();
        breaker.OnFailure().ShouldBe(BreakerState.Open);

        breaker.TryEnter().ShouldBeFalse();
        _time.Advance(TimeSpan.FromSeconds(9));
        breaker.TryEnter().ShouldBeFalse();
    }

    [Fact]
    public void Success_ResetsTheFailureCount()
    {
        var breaker = new CircuitBreaker(2, TimeSpan.FromSeconds(10), _time);
        breaker.OnFailure();
        breaker.OnSuccess();
        breaker.OnFailure().ShouldBeNull();
        breaker.State.ShouldBe(BreakerState.Closed);
    }

    [Fact]
    public void AfterTheBreak_OneProbe_SuccessCloses()
    {
        var breaker = Opened();
        _time.Advance(TimeSpan.FromSeconds(10));

        breaker.State.ShouldBe(BreakerState.HalfOpen);
        breaker.TryEnter().ShouldBeTrue();
        breaker.TryEnter().ShouldBeFalse(); // one probe at a time
        breaker.OnSuccess().ShouldBe(BreakerState.Closed);
        breaker.TryEnter().ShouldBeTrue();
    }

    [Fact]
    public void AfterTheBreak_ProbeFailure_ReopensForAnotherBreak()
    {
        var breaker = Opened();
        _time.Advance(TimeSpan.FromSeconds(10));

        breaker.TryEnter().ShouldBeTrue();
        breaker.OnFailure().ShouldBe(BreakerState.Open);
        breaker.TryEnter().ShouldBeFalse();
        _time.Advance(TimeSpan.FromSeconds(10));
        breaker.TryEnter().ShouldBeTrue();
    }

    [Fact]
    public void AbandonedProbe_LetsTheNextCallerProbe()
    {
        var breaker = Opened();
        _time.Advance(TimeSpan.FromSeconds(10));

        breaker.TryEnter().ShouldBeTrue();
        breaker.OnAbandoned();
        breaker.TryEnter().ShouldBeTrue();
    }

    private CircuitBreaker Opened()
    {
        var breaker = new CircuitBreaker(1, TimeSpan.FromSeconds(10), _time);
        breaker.TryEnter();
        breaker.OnFailure();
        return breaker;
    }
}
