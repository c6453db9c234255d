using System.Collections.Immutable;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Credentials;

namespace Bulwark.Gateway.Guard;

/// <summary>
/// Validates a route's <c>intelligent_guard</c> block. Every problem is reported through <c>addError(path, message)</c>
/// with the fix in the message; nothing is thrown.
/// </summary>
internal static class GuardConfigValidator
{
    public static GuardConfig? Validate(RawGuard raw, string at, TimeProvider time, Action<string, string> addError)
    {
        var errorCount = 0;
        void Error(string path, string message)
        {
            errorCount++;
            addError(path, message);
        }

        var endpoint = ParseEndpoint(raw, at, Error);

        SecretReference? key = null;
        if (raw.ApiKey is not null)
        {
            key = SecretReference.Parse(raw.ApiKey, time, out var error);
            if (key is null)
            {
                Error($"{at}.api_key", error!); // names the variable or file, never the value
            }
            else if (key.IsAbsent)
            {
                key = null;
            }
        }

        var model = string.IsNullOrWhiteSpace(raw.Model) ? null : raw.Model.Trim();
        var policy = raw.Prompt is null ? GuardPrompt.DefaultPolicy : raw.Prompt.Trim();
        if (policy.Length == 0)
        {
            Error($"{at}.prompt", "is empty; leave prompt out to use the default judging prompt, or describe what the judge must deny");
        }

        var timeoutMs = Positive(raw.TimeoutMs, GuardConfig.DefaultTimeoutMs, $"{at}.timeout_ms", "milliseconds, e.g. 3000", Error);

        var onError = GuardFailMode.Deny;
        switch (raw.OnError?.Trim().ToLowerInvariant())
        {
            case null or "deny":
                break;
            case "allow":
                onError = GuardFailMode.Allow;
                break;
            default:
                Error($"{at}.on_error", $"'{raw.OnError}' is not valid; use 'deny' (refuse when the judge fails) or 'allow' (forward when it fails)");
                break;
        }

        var mode = GuardMode.Enforce;
        switch (raw.Mode?.Trim().ToLowerInvariant())
        {
            case null or "enforce":
                break;
            case "monitor":
                mode = GuardMode.Monitor;
                break;
            default:
                Error($"{at}.mode", $"'{raw.Mode}' is not valid; use 'enforce' (denials refuse) or 'monitor' (record only)");
                break;
        }

        var roles = RoleFilter.All;
        if (raw.Roles is { Count: > 0 } rawRoles)
        {
            var set = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
            for (var i = 0; i < rawRoles.Count; i++)
            {
                var role = (rawRoles[i] ?? string.Empty).Trim().ToLowerInvariant();
                if (role.Length == 0)
                {
                    Error($"{at}.roles[{i}]", "is empty; write a chat role such as user, system, assistant or tool");
                }

                set.Add(role);
            }

            roles = new RoleFilter(set.ToImmutable());
        }

        if (raw.Directions is { Count: > 0 } directions)
        {
            for (var i = 0; i < directions.Count; i++)
            {
                switch ((directions[i] ?? string.Empty).Trim().ToLowerInvariant())
                {
                    case "request":
                        break;
                    case "response":
                        Error($"{at}.directions[{i}]", "judging responses is not available yet; remove 'response' (see docs/guard.md)");
                        break;
                    default:
                        Error($"{at}.directions[{i}]", $"'{directions[i]}' is not a direction; use 'request'");
                        break;
                }
            }
        }

        var maxChars = Positive(raw.MaxChars, GuardConfig.DefaultMaxChars, $"{at}.max_chars", "characters", Error);
        var cacheSize = NotNegative(raw.CacheSize, GuardConfig.DefaultCacheSize, $"{at}.cache_size", "entries (0 turns the cache off)", Error);
        var cacheTtl = NotNegative(raw.CacheTtlSeconds, GuardConfig.DefaultCacheTtlSeconds, $"{at}.cache_ttl_seconds", "seconds (0 turns the cache off)", Error);
        var concurrency = Positive(raw.MaxConcurrency, GuardConfig.DefaultMaxConcurrency, $"{at}.max_concurrency", "concurrent judge calls", Error);
        var queueMs = NotNegative(raw.QueueTimeoutMs, timeoutMs, $"{at}.queue_timeout_ms", "milliseconds a request may wait for a free judge slot", Error);
        var threshold = Positive(raw.CircuitBreaker?.FailureThreshold, GuardConfig.DefaultFailureThreshold, $"{at}.circuit_breaker.failure_threshold", "consecutive failures", Error);
        var breakMs = Positive(raw.CircuitBreaker?.BreakMs, GuardConfig.DefaultBreakMs, $"{at}.circuit_breaker.break_ms", "milliseconds", Error);

        if (errorCount > 0 || endpoint is null)
        {
            return null;
        }

        return new GuardConfig(
            endpoint,
            model,
            key,
            policy,
            TimeSpan.FromMilliseconds(timeoutMs),
            onError,
            mode,
            roles,
            raw.JsonMode ?? true,
            maxChars,
            cacheTtl == 0 ? 0 : cacheSize,
            TimeSpan.FromSeconds(cacheTtl),
            concurrency,
            TimeSpan.FromMilliseconds(queueMs),
            threshold,
            TimeSpan.FromMilliseconds(breakMs),
            raw.Parallel ?? false);
    }

    private static Uri? ParseEndpoint(RawGuard raw, string at, Action<string, string> error)
    {
        if (!string.IsNullOrWhiteSpace(raw.Url))
        {
            if (!Uri.TryCreate(raw.Url.Trim(), UriKind.Absolute, out var url)
                || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
                || !string.IsNullOrEmpty(url.UserInfo))
            {
                error($"{at}.url", $"'{raw.Url}' is not an http(s) URL; write the judge's chat completions URL, e.g. http://127.0.0.1:8000/v1/chat/completions");
                return null;
            }

            return url;
        }

        if (!string.IsNullOrWhiteSpace(raw.Host))
        {
            // The LLMProxy plug-in's fields: host, port, path.
            var port = raw.Port ?? 443;
            if (port is <= 0 or > 65535)
            {
                error($"{at}.port", $"{port} is not a TCP port; use 1-65535");
                return null;
            }

            var scheme = port == 443 ? "https" : "http";
            var path = string.IsNullOrWhiteSpace(raw.Path) ? "/v1/chat/completions" : "/" + raw.Path.Trim().TrimStart('/');
            if (!Uri.TryCreate($"{scheme}://{raw.Host.Trim()}:{port}{path}", UriKind.Absolute, out var url))
            {
                error(at, $"host '{raw.Host}', port {port} and path '{raw.Path}' do not make a URL; or write url: instead");
                return null;
            }

            return url;
        }

        error(at, "needs url (the judge's chat completions URL), or host with optional port and path");
        return null;
    }

    private static int Positive(int? value, int fallback, string at, string unit, Action<string, string> error)
    {
        var v = value ?? fallback;
        if (v <= 0)
        {
            error(at, $"must be a positive number of {unit}");
            return fallback;
        }

        return v;
    }

    private static int NotNegative(int? value, int fallback, string at, string unit, Action<string, string> error)
    {
        var v = value ?? fallback;
        if (v < 0)
        {
            error(at, $"must be zero or a positive number of {unit}");
            return fallback;
        }

        return v;
    }
}
