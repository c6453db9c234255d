using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway;

/// <summary>
/// Every log line the gateway writes, source-generated with stable event ids. None of them takes a prompt, a
/// completion or a key: requests are described by lengths, counts, rule ids and entity types.
/// </summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1, LogLevel.Information, "Configuration reloaded from {ConfigSource}: generation {Generation}, {RouteCount} route(s)")]
    public static partial void ConfigReloaded(ILogger logger, string configSource, int generation, int routeCount);

    [LoggerMessage(2, LogLevel.Error, "Configuration change in {ConfigSource} rejected with {ErrorCount} error(s); the last good configuration stays in force:\n{Errors}")]
    public static partial void ConfigReloadRejected(ILogger logger, string configSource, int errorCount, string errors);

    [LoggerMessage(3, LogLevel.Warning, "listen and admin_listen changes take effect only after a restart")]
    public static partial void ListenChangeNeedsRestart(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "Bulwark gateway listening on {ProxyAddress} (admin on {AdminAddress}) with {RouteCount} route(s) from {ConfigSource}")]
    public static partial void Started(ILogger logger, string proxyAddress, string adminAddress, int routeCount, string configSource);

    // Event 10, the line every request writes, is RequestCompletedLog: it writes its JSON without boxing.

    [LoggerMessage(11, LogLevel.Warning, "Request {RequestId} route={Route}: upstream answered {UpstreamStatus} on key #{KeyIndex}; key cooling down, retrying on the next key")]
    public static partial void RetryingOnNextKey(ILogger logger, string requestId, string route, int upstreamStatus, int keyIndex);

    [LoggerMessage(12, LogLevel.Warning, "Request {RequestId} route={Route}: upstream {ErrorKind} ({ExceptionType})")]
    public static partial void UpstreamFailed(ILogger logger, string requestId, string route, string errorKind, string exceptionType);

    [LoggerMessage(13, LogLevel.Warning, "Request {RequestId} route={Route}: pattern {Rule} timed out; request refused")]
    public static partial void PatternTimedOut(ILogger logger, string requestId, string route, string rule);

    // 30-39: the intelligent guard (Guard/). Labels, error kinds and timings only; never the judged text or the judge's answer.
    [LoggerMessage(30, LogLevel.Information, "Guard verdict for request {RequestId} route={Route} result={GuardResult} categories={GuardCategories} error={GuardError} cache_hit={GuardCacheHit} mode={GuardMode} blocked={GuardBlocked} judged_chars={JudgedChars} latency_ms={GuardLatencyMs:F2}")]
    public static partial void GuardVerdict(
        ILogger logger, string requestId, string route, string guardResult, string guardCategories, string guardError, bool guardCacheHit,
        string guardMode, bool guardBlocked, long judgedChars, double guardLatencyMs);

    [LoggerMessage(31, LogLevel.Warning, "Guard call for request {RequestId} route={Route} failed: {GuardError} (judge status {JudgeStatus})")]
    public static partial void GuardCallFailed(ILogger logger, string requestId, string route, string guardError, int judgeStatus);

    [LoggerMessage(32, LogLevel.Warning, "Guard circuit breaker of route {Route} opened: the judge is not called for {BreakMs} ms and on_error applies")]
    public static partial void GuardBreakerOpened(ILogger logger, string route, double breakMs);

    [LoggerMessage(33, LogLevel.Information, "Guard circuit breaker of route {Route} closed: the judge answered again")]
    public static partial void GuardBreakerClosed(ILogger logger, string route);
}
