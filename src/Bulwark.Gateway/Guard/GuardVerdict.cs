using System.Collections.Immutable;

namespace Bulwark.Gateway.Guard;

/// <summary>What the judge said, already sanitised: labels and a short reason safe to show the client.</summary>
internal sealed record GuardVerdict(bool Allowed, ImmutableArray<string> Categories, string? Reason);

/// <summary>Why the judge gave no verdict. Everything but <see cref="None"/> and <see cref="ClientCanceled"/> goes through <c>on_error</c>.</summary>
internal enum GuardErrorKind
{
    None,
    Timeout,
    HttpStatus,
    Unparsable,
    Unreachable,
    BreakerOpen,
    QueueTimeout,
    TooLarge,

    /// <summary>A request marked as a guard call reached a guarded route: the judge URL points back at the gateway.</summary>
    Loop,

    /// <summary>The client went away; nothing to decide.</summary>
    ClientCanceled,
}

internal enum GuardResult
{
    Allow,
    Deny,
    Error,

    /// <summary>Nothing to judge (no text in the judged roles).</summary>
    Skipped,
}

/// <summary>
/// One request's guard outcome, recorded on the request feature for the log, audit and metrics. Holds labels,
/// timings and error kinds, never the judged text or the judge's raw answer.
/// </summary>
/// <param name="Blocked">The request is refused: an enforced deny, or an error under <c>on_error: deny</c>.</param>
internal sealed record GuardOutcome(
    GuardResult Result,
    ImmutableArray<string> Categories,
    string? Reason,
    GuardErrorKind Error,
    bool CacheHit,
    TimeSpan Latency,
    GuardMode Mode,
    bool Blocked)
{
    /// <summary>The judge's HTTP status when <see cref="Error"/> is <see cref="GuardErrorKind.HttpStatus"/>.</summary>
    public int JudgeStatus { get; init; }
}
