using System.Diagnostics;
using System.Text.Json;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Logging;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Consumers;
using Bulwark.Gateway.Credentials;
using Bulwark.Gateway.Forwarding;
using Bulwark.Gateway.Guard;
using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Inspection;
using Bulwark.Gateway.Limits;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Scanning;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Gateway.Pipeline;

/// <summary>
/// The request path. Every request to the proxy listener runs these steps, in this order:
/// <list type="number">
/// <item>Give the request an id (echoed in <c>x-request-id</c>) and take the config snapshot it will finish on.</item>
/// <item>Resolve the route from the Host (or absolute-form target) and path; then authenticate the consumer (gateway
/// key, trusted header or source network; the key is stripped). No route: pass through or refuse.</item>
/// <item>Read and parse the body, bounded by the route's <c>max_body_bytes</c>; refuse what cannot be inspected.</item>
/// <item>Inspect every text the request carries to the model: the operator's patterns, the detectors; then admit
/// (the consumer's route and model allow-lists and the limit pre-check, which reserves the request's token
/// estimate); then the intelligent guard (awaited here, or in parallel with step 6 and before step 7).</item>
/// <item>Rewrite: redact what the policy says to, drop the client's credentials and inject the route's key; ask a
/// streamed chat completion for usage.</item>
/// <item>Forward over the pooled upstream connection; on 401/429/5xx retry once on the next key.</item>
/// <item>Inspect the response as it is relayed: redact or block by the response rules, restore pseudonyms;
/// streams are processed event by event.</item>
/// <item>Record the outcome: settle the reservation with the upstream's usage, write one structured log line and
/// queue one audit event, with ids, decision, status, tokens and timings, never text.</item>
/// </list>
/// </summary>
internal sealed class GatewayPipeline(
    ConfigManager configManager,
    UpstreamClientPool clients,
    IntelligentGuard guard,
    AccessControl access,
    AuditRecorder audit,
    GatewayListeners listeners,
    TimeProvider time,
    ILogger<GatewayPipeline> logger)
{
    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowDuplicateProperties = false, // {"messages":[benign],"messages":[evil]}: parsers disagree on which wins
        MaxDepth = 64,
    };

    public async Task InvokeAsync(HttpContext context)
    {
        // 1. Request id and snapshot.
        var feature = new GatewayRequestFeature(RequestIds.Next(time.GetUtcNow()), time.GetTimestamp());
        context.Features.Set(feature);
        context.Response.Headers["x-request-id"] = feature.RequestId;
        var config = configManager.Current;

        try
        {
            if (HttpMethods.IsConnect(context.Request.Method))
            {
                // A TLS tunnel cannot be inspected: the gateway would be blind to everything inside it.
                feature.Decision = Decision.Blocked;
                feature.Rule = "connect_not_supported";
                await GatewayErrors.WriteAsync(context, Provider.OpenAI, StatusCodes.Status405MethodNotAllowed, GatewayErrors.InvalidRequestType, "connect_not_supported",
                    "HTTPS tunnels (CONNECT) cannot be inspected; call providers with http:// base URLs through Bulwark, which speaks HTTPS upstream").ConfigureAwait(false);
                return;
            }

            // 2. Resolve the route.
            var host = context.Request.Host;
            var match = RouteTable.Resolve(config, host.Host.ToLowerInvariant(), host.Port, context.Request.Path.Value ?? "/");
            feature.Route = match?.Route;

            // 2b. Authenticate: who is calling (Consumers/AccessControl).
            if (!await access.AuthenticateAsync(context, config, feature).ConfigureAwait(false))
            {
                return;
            }

            if (match is not { } routeMatch)
            {
                await HandleUnknownHostAsync(context, config, feature).ConfigureAwait(false);
                return;
            }

            await HandleRouteAsync(context, config, routeMatch, feature).ConfigureAwait(false);
        }
        finally
        {
            // 8. Record the outcome: settle limits, log, audit.
            await access.SettleAsync(feature).ConfigureAwait(false);
            LogCompletion(context, feature);
            audit.Record(context, feature);
        }
    }

    private async Task HandleRouteAsync(HttpContext context, GatewayConfig config, RouteMatch match, GatewayRequestFeature feature)
    {
        var route = match.Route;
        var request = context.Request;
        PooledBody? body = null;
        JsonDocument? document = null;
        byte[]? rewritten = null;
        List<InspectedText>? texts = null;
        Task<GuardOutcome>? pendingGuard = null;
        try
        {
            // 3. Read and parse the body. A request with a body is inspected or refused; never forwarded blind.
            var hasBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
            if (hasBody)
            {
                if (request.Headers.ContentEncoding is { Count: > 0 } encoding && !string.Equals(encoding.ToString(), "identity", StringComparison.OrdinalIgnoreCase))
                {
                    await RefuseAsync(context, route, StatusCodes.Status415UnsupportedMediaType, GatewayErrors.InvalidRequestType, "unsupported_content_encoding",
                        "Compressed request bodies cannot be inspected; send the body uncompressed").ConfigureAwait(false);
                    return;
                }

                body = await BodyReader.ReadAsync(request, route.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
                if (body is null)
                {
                    await RefuseAsync(context, route, StatusCodes.Status413PayloadTooLarge, GatewayErrors.InvalidRequestType, "body_too_large",
                        $"The request body is larger than the route's limit of {route.MaxBodyBytes} bytes").ConfigureAwait(false);
                    return;
                }

                feature.RequestBytes = body.Length;
                if (body.Length > 0)
                {
                    var consumerPolicy = feature.Consumer?.Name is { } consumer && config.Consumers.Policies.TryGetValue(consumer, out var policy) ? policy : null;
                    var verdict = Inspect(body, match, route, consumerPolicy, feature, out document, out rewritten, out texts);
                    if (verdict is { } refusal)
                    {
                        await RefuseAsync(context, route, refusal.Status, refusal.Type, refusal.Code, refusal.Message, refusal.Param, refusal.Entities).ConfigureAwait(false);
                        return;
                    }
                }
            }

            // 4b. Admit: allow-lists and the limit pre-check (Consumers/AccessControl).
            if (!await access.AdmitAsync(context, config, route, feature, document?.RootElement).ConfigureAwait(false))
            {
                return;
            }

            // 4c. Inspect: the intelligent guard (Guard/, docs/guard.md). Reached only when no earlier stage refused.
            // Sequential: wait for the verdict here. Parallel: it is awaited after the upstream answers, before a byte is relayed.
            if (route.Guard is { } guardConfig && texts is not null)
            {
                var judging = guard.JudgeAsync(context, route, guardConfig, texts);
                if (guardConfig.Parallel && !judging.IsCompleted)
                {
                    pendingGuard = judging;
                }
                else if (await IntelligentGuard.RefuseIfBlockedAsync(context, route, judging).ConfigureAwait(false))
                {
                    return;
                }
            }

            // 5-7. Rewrite, forward, relay. A streamed chat completion is asked to report usage (Limits/TokenEstimate),
            // on top of any redaction already applied.
            ReadOnlyMemory<byte>? forwardBody = rewritten ?? body?.Memory;
            if (document is not null && feature.Shape == "openai.chat_completions")
            {
                using var current = rewritten is null ? null : JsonDocument.Parse(rewritten);
                if (TokenEstimate.RequestStreamUsage((current ?? document).RootElement) is { } withUsage)
                {
                    forwardBody = withUsage;
                }
            }

            await ForwardAsync(context, match, forwardBody, feature, pendingGuard).ConfigureAwait(false);
        }
        finally
        {
            document?.Dispose();
            body?.Dispose();
        }
    }

    /// <summary>Steps 3 and 4: parse, extract the texts, run the rules. Returns a refusal, or null to go on.</summary>
    private Refusal? Inspect(
        PooledBody body, RouteMatch match, RouteConfig route, ConsumerPolicy? consumer, GatewayRequestFeature feature, out JsonDocument? document, out byte[]? rewritten,
        out List<InspectedText>? inspected)
    {
        document = null;
        rewritten = null;
        inspected = null;
        try
        {
            document = JsonDocument.Parse(body.Memory, JsonOptions);
        }
        catch (JsonException)
        {
            return Refusal.BadRequest("invalid_json", "The request body is not valid JSON (duplicate keys are refused too)");
        }

        var root = document.RootElement;
        var extractor = RequestShapes.Find(match.ForwardPath, root, route.Provider);
        if (extractor is null)
        {
            feature.Shape = "unknown";
            return route.AllowUnknownShapes
                ? null
                : Refusal.BadRequest("unknown_request_shape", "The request body is not a shape this route can inspect");
        }

        feature.Shape = extractor.Shape;
        var texts = new List<InspectedText>();
        ExtractResult extracted;
        try
        {
            extracted = extractor.Extract(root, texts);
        }
        catch (InvalidOperationException)
        {
            // JsonElement.GetString on an invalid escape such as a lone surrogate.
            extracted = ExtractResult.Fail(ExtractError.Malformed, "/");
        }

        if (!extracted.Succeeded)
        {
            return extracted.Error == ExtractError.TokenIds
                ? Refusal.BadRequest("token_ids_not_inspectable", "Token-id input cannot be inspected; send text", extracted.Path)
                : Refusal.BadRequest("malformed_request", "A field the model reads has a type this route cannot inspect", extracted.Path);
        }

        inspected = texts;
        feature.TextCount = texts.Count;
        foreach (var text in texts)
        {
            feature.TextChars += text.Text.Length;
        }

        if (root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
        {
            feature.Stream = true;
        }

        if (route.Detection is { InspectsAnswers: true })
        {
            // Log probabilities repeat the answer token by token (as text and as bytes), beside the text the response
            // rules redact: a route that redacts or blocks answers cannot let them through.
            if (AsksForLogprobs(root) is { } logprobs)
            {
                return Refusal.BadRequest("logprobs_not_inspectable",
                    $"This route inspects answers, and log probabilities would repeat the answer's text uninspected: remove '{logprobs}', or set detection.scan_responses: false on route '{route.Name}'", logprobs);
            }

            // Spoken answers likewise: the audio says what the redacted transcript hides.
            if (AsksForAudio(root))
            {
                return Refusal.BadRequest("audio_not_inspectable",
                    $"This route inspects answers, and an audio answer cannot be inspected: ask for text only, or set detection.scan_responses: false on route '{route.Name}'", "modalities");
            }
        }

        // 4. Inspect: the operator's patterns, the route's and then the consumer's own (which only add rules).
        var verdict = PatternRules.Evaluate(route, texts);
        if (!verdict.Blocked && consumer is not null)
        {
            verdict = PatternRules.EvaluateConsumer(consumer.DenyPatterns, texts);
        }

        if (verdict.Blocked)
        {
            feature.Decision = Decision.Blocked;
            feature.Rule = verdict.RuleId;
            if (verdict.Code == PatternRules.PatternTimeoutCode)
            {
                GatewayLog.PatternTimedOut(logger, feature.RequestId, route.Name, verdict.RuleId!);
            }

            return new Refusal(StatusCodes.Status403Forbidden, GatewayErrors.PolicyType, verdict.Code!,
                $"The request was blocked by rule {verdict.RuleId} of route '{route.Name}'", null);
        }

        // 4b. Inspect: the detectors (personal data, credentials, prompt injection, custom entities).
        if (route.Detection is { } detection)
        {
            var scan = RequestScanner.Scan(detection, texts, feature);
            if (consumer is { BlockEntities.IsEmpty: false })
            {
                // Entity types the consumer may never send, whatever the route's rule for them (log, redact).
                foreach (var entity in feature.Entities.Keys)
                {
                    if (consumer.BlockEntities.Contains(entity) && !(scan.BlockedEntities ??= []).Contains(entity))
                    {
                        scan.BlockedEntities.Add(entity);
                    }
                }
            }

            if (scan.IsBlocked)
            {
                var entities = scan.BlockedEntities!;
                var code = entities.TrueForAll(e => e == Bulwark.Detection.EntityTypes.PromptInjection) ? "prompt_injection" : "sensitive_data";
                feature.Decision = Decision.Blocked;
                feature.Rule = code;
                return new Refusal(StatusCodes.Status403Forbidden, GatewayErrors.PolicyType, code,
                    $"The request was blocked on route '{route.Name}': it contains {string.Join(", ", entities)}", null, entities);
            }

            // 5a. Rewrite: redactions replace the texts in place; everything else in the body is kept as sent.
            if (scan.Replacements is { Count: > 0 } replacements)
            {
                rewritten = JsonRewriter.Rewrite(body.Memory, replacements);
                feature.Decision = Decision.Redacted;
            }
        }

        return null;
    }

    /// <summary>The request field that asks for log probabilities, or null: chat and legacy completions, the Responses API.</summary>
    private static string? AsksForLogprobs(JsonElement root)
    {
        if (root.TryGetProperty("logprobs", out var logprobs)
            && (logprobs.ValueKind == JsonValueKind.True || (logprobs.ValueKind == JsonValueKind.Number && logprobs.TryGetDouble(out var n) && n > 0)))
        {
            return "logprobs";
        }

        if (root.TryGetProperty("top_logprobs", out var top) && top.ValueKind == JsonValueKind.Number && top.TryGetDouble(out var k) && k > 0)
        {
            return "top_logprobs";
        }

        if (root.TryGetProperty("include", out var include) && include.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in include.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && item.ValueEquals("message.output_text.logprobs"))
                {
                    return "include";
                }
            }
        }

        return null;
    }

    /// <summary>Whether the request asks for a spoken answer (chat completions' <c>modalities</c> with audio, or an <c>audio</c> output block).</summary>
    private static bool AsksForAudio(JsonElement root)
    {
        if (root.TryGetProperty("audio", out var audio) && audio.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        if (root.TryGetProperty("modalities", out var modalities) && modalities.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in modalities.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && item.ValueEquals("audio"))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private async Task ForwardAsync(HttpContext context, RouteMatch match, ReadOnlyMemory<byte>? body, GatewayRequestFeature feature, Task<GuardOutcome>? pendingGuard)
    {
        var route = match.Route;
        var client = clients.Get(route.Upstream, route.UpstreamCaFile);
        var target = BuildTarget(route.Upstream, match.ForwardPath, context.Request.QueryString);
        var aborted = context.RequestAborted;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var parallelGuard = pendingGuard;
        if (parallelGuard is not null)
        {
            IntelligentGuard.CancelOnBlock(parallelGuard, timeout); // a denial cancels the upstream call it no longer needs
        }

        HttpResponseMessage? response = null;
        KeyLease? key = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                // 5. Rewrite: the client's credentials out, the route's key in.
                key = route.Keys.Next();
                var content = body is { } bytes ? new ReadOnlyMemoryContent(bytes) : null;
                using var upstreamRequest = HttpForwarder.CreateRequest(context, target, content, stripCredentials: true, http2: true);
                if (key is { } k)
                {
                    InjectKey(upstreamRequest, route.Provider, k.Value);
                }

                // Responses are inspected as text: ask for them uncompressed.
                upstreamRequest.Headers.Remove(HeaderNames.AcceptEncoding);

                // 6. Forward.
                feature.Attempts = attempt;
                var started = time.GetTimestamp();
                var sent = await HttpForwarder.SendAsync(client, upstreamRequest, timeout, route.Timeout, aborted).ConfigureAwait(false);
                feature.UpstreamLatency = time.GetElapsedTime(started);

                // 4c (parallel guard). Nothing has been relayed yet: hold the response until the verdict; a block discards it.
                if (parallelGuard is not null && await IntelligentGuard.RefuseIfBlockedAsync(context, route, parallelGuard).ConfigureAwait(false))
                {
                    sent.Response?.Dispose();
                    return;
                }

                if (sent.Error != ForwarderError.None)
                {
                    await HandleForwarderErrorAsync(context, route, feature, sent.Error, sent.Exception).ConfigureAwait(false);
                    return;
                }

                response = sent.Response!;
                var status = (int)response.StatusCode;
                feature.UpstreamStatus = status;
                if (IsKeyProblem(status) && key is { } used && route.Keys.Count > 1)
                {
                    route.Keys.CoolDown(used.Index);
                    if (attempt == 1)
                    {
                        // The body is buffered and nothing has reached the client yet: the retry is safe.
                        GatewayLog.RetryingOnNextKey(logger, feature.RequestId, route.Name, status, used.Index);
                        response.Dispose();
                        response = null;
                        continue;
                    }
                }

                break;
            }

            // 7. Relay the response, inspecting it on the way when the route's policy or the request's pseudonyms need it.
            // The usage tap sees the upstream's bytes as they arrive, before any rewriting.
            feature.UsageTap = new UsageExtractor(); // read by AccessControl.SettleAsync
            var processor = ResponseTextProcessor.Create(route, feature);
            var copied = processor is null
                ? await RelayAsync(context, response, timeout, route.Timeout, aborted, feature.UsageTap).ConfigureAwait(false)
                : await ResponseRelay.RelayInspectedAsync(context, route, feature, processor, response, timeout, route.Timeout, aborted, feature.UsageTap).ConfigureAwait(false);
            if (copied != ForwarderError.None)
            {
                feature.Decision = Decision.Error;
                feature.Rule = copied == ForwarderError.ClientCanceled ? "client_canceled" : "upstream_body_" + copied.ToString().ToLowerInvariant();
                context.Abort(); // the status line is sent; an aborted connection is how the client learns the body is incomplete
            }
        }
        finally
        {
            response?.Dispose();
        }
    }

    private static async Task<ForwarderError> RelayAsync(
        HttpContext context, HttpResponseMessage response, CancellationTokenSource timeout, TimeSpan idle, CancellationToken aborted, IResponseBodyObserver observer)
    {
        HttpForwarder.CopyResponseHeaders(response, context.Response);
        return await HttpForwarder.CopyResponseBodyAsync(context, response, timeout, idle, aborted, observer).ConfigureAwait(false);
    }

    private static bool IsKeyProblem(int status) => status is 401 or 429 or >= 500;

    private static void InjectKey(HttpRequestMessage request, Provider provider, string key)
    {
        switch (provider)
        {
            case Provider.Azure:
                request.Headers.TryAddWithoutValidation("api-key", key);
                break;
            case Provider.Anthropic:
                request.Headers.TryAddWithoutValidation("x-api-key", key);
                break;
            default:
                request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, "Bearer " + key);
                break;
        }
    }

    /// <summary>
    /// The upstream URL for a forwarded path. Targets without a query are cached (a few hundred at most: the path is the
    /// client's to choose), since parsing a <see cref="Uri"/> per request costs more than the rest of the rewrite.
    /// </summary>
    private Uri BuildTarget(Uri upstream, string forwardPath, QueryString query)
    {
        if (query.HasValue)
        {
            return Build(upstream, forwardPath, query);
        }

        var key = (upstream.OriginalString, forwardPath);
        if (_targets.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var target = Build(upstream, forwardPath, query);
        if (_targets.Count < MaxCachedTargets)
        {
            _targets.TryAdd(key, target);
        }

        return target;

        static Uri Build(Uri upstream, string forwardPath, QueryString query) =>
            new(upstream.GetLeftPart(UriPartial.Authority) + upstream.AbsolutePath.TrimEnd('/') + new PathString(forwardPath).ToUriComponent() + query.ToUriComponent());
    }

    private const int MaxCachedTargets = 512;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Upstream, string Path), Uri> _targets = new();

    private async Task HandleUnknownHostAsync(HttpContext context, GatewayConfig config, GatewayRequestFeature feature)
    {
        if (config.UnknownHosts == UnknownHostsPolicy.Deny || string.IsNullOrEmpty(context.Request.Host.Host))
        {
            feature.Decision = Decision.Blocked;
            feature.Rule = "unknown_host";
            await GatewayErrors.WriteAsync(context, Provider.OpenAI, StatusCodes.Status403Forbidden, GatewayErrors.PolicyType, "unknown_host",
                "No route is configured for this host and unknown hosts are refused").ConfigureAwait(false);
            return;
        }

        if (context.Request.Headers.Via.ToString().Contains(ViaToken, StringComparison.OrdinalIgnoreCase))
        {
            feature.Decision = Decision.Blocked;
            feature.Rule = "loop_detected";
            await GatewayErrors.WriteAsync(context, Provider.OpenAI, StatusCodes.Status508LoopDetected, GatewayErrors.GatewayType, "loop_detected",
                "The request already passed through this gateway").ConfigureAwait(false);
            return;
        }

        var request = context.Request;
        if (TargetsOwnListener(request.Host))
        {
            // Passthrough must not become a way for applications to reach the admin listener (or loop to the proxy).
            feature.Decision = Decision.Blocked;
            feature.Rule = "gateway_listener";
            await GatewayErrors.WriteAsync(context, Provider.OpenAI, StatusCodes.Status403Forbidden, GatewayErrors.PolicyType, "gateway_listener",
                "The gateway's own listeners cannot be reached through it").ConfigureAwait(false);
            return;
        }

        // Passthrough: forwarded untouched (credentials, body and all), streamed, never inspected.
        feature.Decision = Decision.Passthrough;
        var target = new Uri($"http://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}{request.Path.ToUriComponent()}{request.QueryString.ToUriComponent()}");
        var client = clients.Get(target, caFile: null);
        var hasBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        using var upstreamRequest = HttpForwarder.CreateRequest(context, target, hasBody ? new StreamContent(request.Body) : null, stripCredentials: false, http2: false);
        upstreamRequest.Headers.TryAddWithoutValidation(HeaderNames.Via, ViaToken);
        var started = time.GetTimestamp();
        var sent = await HttpForwarder.SendAsync(client, upstreamRequest, timeout, TimeSpan.FromMilliseconds(GatewayConfig.DefaultTimeoutMs), context.RequestAborted).ConfigureAwait(false);
        feature.UpstreamLatency = time.GetElapsedTime(started);
        if (sent.Error != ForwarderError.None)
        {
            await HandleForwarderErrorAsync(context, null, feature, sent.Error, sent.Exception).ConfigureAwait(false);
            return;
        }

        using var response = sent.Response!;
        feature.UpstreamStatus = (int)response.StatusCode;
        HttpForwarder.CopyResponseHeaders(response, context.Response);
        if (await HttpForwarder.CopyResponseBodyAsync(context, response, timeout, TimeSpan.FromMilliseconds(GatewayConfig.DefaultTimeoutMs), context.RequestAborted).ConfigureAwait(false) != ForwarderError.None)
        {
            context.Abort();
        }
    }

    private const string ViaToken = "1.1 bulwark";

    /// <summary>
    /// True when a passthrough target is one of the gateway's own listeners: same port as a listener, and a host that
    /// is loopback, the listener's address, or anything when the listener is bound to all interfaces.
    /// </summary>
    private bool TargetsOwnListener(HostString host)
    {
        var port = host.Port ?? 80;
        foreach (var listener in (ReadOnlySpan<System.Net.IPEndPoint>)[listeners.AdminEndPoint, listeners.ProxyEndPoint])
        {
            if (listener.Port != port)
            {
                continue;
            }

            if (listener.Address.Equals(System.Net.IPAddress.Any) || listener.Address.Equals(System.Net.IPAddress.IPv6Any))
            {
                return true;
            }

            var name = host.Host.Trim('[', ']');
            if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                || (System.Net.IPAddress.TryParse(name, out var address) && (System.Net.IPAddress.IsLoopback(address) || address.Equals(listener.Address))))
            {
                return true;
            }
        }

        return false;
    }

    private async Task HandleForwarderErrorAsync(HttpContext context, RouteConfig? route, GatewayRequestFeature feature, ForwarderError error, Exception? exception)
    {
        feature.Decision = Decision.Error;
        feature.Rule = "upstream_" + error.ToString().ToLowerInvariant();
        var routeName = route?.Name ?? "(passthrough)";
        if (error == ForwarderError.ClientCanceled)
        {
            return;
        }

        GatewayLog.UpstreamFailed(logger, feature.RequestId, routeName, error.ToString(), exception?.GetType().Name ?? "none");
        var provider = route?.Provider ?? Provider.OpenAI;
        if (error == ForwarderError.Timeout)
        {
            await GatewayErrors.WriteAsync(context, provider, StatusCodes.Status504GatewayTimeout, GatewayErrors.GatewayType, "upstream_timeout",
                $"The upstream of route '{routeName}' did not answer in time").ConfigureAwait(false);
        }
        else
        {
            await GatewayErrors.WriteAsync(context, provider, StatusCodes.Status502BadGateway, GatewayErrors.GatewayType, "upstream_unreachable",
                $"The upstream of route '{routeName}' could not be reached").ConfigureAwait(false);
        }
    }

    private static async Task RefuseAsync(
        HttpContext context, RouteConfig route, int status, string type, string code, string message, string? param = null, IReadOnlyList<string>? entities = null)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        if (feature.Decision != Decision.Blocked)
        {
            feature.Decision = status == StatusCodes.Status403Forbidden ? Decision.Blocked : Decision.Error;
        }

        feature.Rule ??= code;
        await GatewayErrors.WriteAsync(context, route.Provider, status, type, code, message, param, entities).ConfigureAwait(false);
    }

    private void LogCompletion(HttpContext context, GatewayRequestFeature feature)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var status = context.RequestAborted.IsCancellationRequested ? 499 : context.Response.StatusCode;
        RequestCompletedLog.Write(logger, new RequestCompletedLog(
            feature.RequestId,
            feature.Route?.Name ?? "-",
            feature.Shape ?? "-",
            feature.Decision.Name(),
            feature.Rule ?? "-",
            status,
            feature.UpstreamStatus,
            feature.Attempts,
            feature.TextCount,
            feature.TextChars,
            feature.RequestBytes,
            feature.Stream,
            feature.EntitySummary(),
            time.GetElapsedTime(feature.StartTimestamp).TotalMilliseconds,
            feature.UpstreamLatency.TotalMilliseconds));
    }

    private readonly record struct Refusal(int Status, string Type, string Code, string Message, string? Param, IReadOnlyList<string>? Entities = null)
    {
        public static Refusal BadRequest(string code, string message, string? param = null) =>
            new(StatusCodes.Status400BadRequest, GatewayErrors.InvalidRequestType, code, message, param);
    }
}
