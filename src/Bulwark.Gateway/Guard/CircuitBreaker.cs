namespace Bulwark.Gateway.Guard;

internal enum BreakerState
{
    Closed,
    Open,
    HalfOpen,
}

/// <summary>
/// Stops calling a failing judge. After <c>failureThreshold</c> consecutive failures the breaker opens: calls are
/// refused at once (and <c>on_error</c> applies) for the break duration. Then one probe call is let through
/// (half-open): success closes the breaker, failure opens it for another break. Time comes from the injected clock.
/// </summary>
internal sealed class CircuitBreaker(int failureThreshold, TimeSpan breakDuration, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly long _breakTicks = (long)(breakDuration.TotalSeconds * time.TimestampFrequency);
    private BreakerState _state = BreakerState.Closed;
    private int _failures;
    private long _openUntil;
    private bool _probing;

    public BreakerState State
    {
        get
        {
            lock (_gate)
            {
                return _state == BreakerState.Open && time.GetTimestamp() >= _openUntil ? BreakerState.HalfOpen : _state;
            }
        }
    }

    /// <summary>May a call go to the judge now. A true answer must be followed by exactly one report.</summary>
    public bool TryEnter()
    {
        lock (_gate)
        {
            if (_state == BreakerState.Closed)
            {
                return true;
            }

            if (_state == BreakerState.Open)
            {
                if (time.GetTimestamp() < _openUntil)
                {
                    return false;
                }

                _state = BreakerState.HalfOpen;
            }

            if (_probing)
            {
                return false; // one probe at a time while half-open
            }

            _probing = true;
            return true;
        }
    }

    /// <summary>Reports a judge answer. Returns the state change, if any, for logging.</summary>
    public BreakerState? OnSuccess()
    {
        lock (_gate)
        {
            _failures = 0;
            _probing = false;
            if (_state == BreakerState.Closed)
            {
                return null;
            }

            _state = BreakerState.Closed;
            return BreakerState.Closed;
        }
    }

    /// <summary>Reports a judge failure (timeout, 5xx, unparsable, unreachable). Returns the state change, if any.</summary>
    public BreakerState? OnFailure()
    {
        lock (_gate)
        {
            _probing = false;
            _failures++;
            if (_state == BreakerState.HalfOpen || (_state == BreakerState.Closed && _failures >= failureThreshold))
            {
                _state = BreakerState.Open;
                _openUntil = time.GetTimestamp() + _breakTicks;
                return BreakerState.Open;
            }

            return null;
        }
    }

    /// <summary>The call ended without saying anything about the judge's health (the client went away).</summary>
    public void OnAbandoned()
    {
        lock (_gate)
        {
            _probing = false;
        }
    }
}
