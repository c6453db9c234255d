using System.Buffers;
using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Forwarding;
using Bulwark.Gateway.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Bulwark.Gateway.Scanning;

/// <summary>
/// Step 7 when the response must be inspected: a JSON body is read whole (bounded), processed and re-serialised; an
/// event stream is processed event by event and flushed as it goes; anything else (audio, files) is relayed as is.
/// </summary>
internal static class ResponseRelay
{
    /// <summary>Largest non-streamed response body that is inspected; a larger one is refused rather than passed unread.</summary>
    internal const long MaxInspectedBodyBytes = 32 * 1024 * 1024;
    private const int ReadBufferSize = 16 * 1024;

    /// <summary>The rule code when a stream is ended because an event could not be inspected (see <see cref="SseTransformer"/>).</summary>
    private const string UninspectableStream = "response_not_inspectable";

    public static async Task<ForwarderError> RelayInspectedAsync(
        HttpContext context, RouteConfig route, GatewayRequestFeature feature, ResponseTextProcessor processor,
        HttpResponseMessage upstream, CancellationTokenSource timeout, TimeSpan idle, CancellationToken aborted, IResponseBodyObserver? observer = null)
    {
        var mediaType = upstream.Content.Headers.ContentType?.MediaType;
        if (string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            observer?.OnStart(isEventStream: true);
            return await RelayEventStreamAsync(context, route, feature, processor, upstream, timeout, idle, aborted, observer).ConfigureAwait(false);
        }

        if (mediaType is not null && (mediaType.EndsWith("/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        {
            return await RelayJsonAsync(context, route, feature, processor, upstream, timeout, idle, aborted, observer).ConfigureAwait(false);
        }

        HttpForwarder.CopyResponseHeaders(upstream, context.Response);
        return await HttpForwarder.CopyResponseBodyAsync(context, upstream, timeout, idle, aborted, observer).ConfigureAwait(false);
    }

    private static async Task<ForwarderError> RelayJsonAsync(
        HttpContext context, RouteConfig route, GatewayRequestFeature feature, ResponseTextProcessor processor,
        HttpResponseMessage upstream, CancellationTokenSource timeout, TimeSpan idle, CancellationToken aborted, IResponseBodyObserver? observer)
    {
        PooledBody? body;
        try
        {
            timeout.CancelAfter(idle);
            await using var source = await upstream.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            body = await BodyReader.ReadAsync(source, upstream.Content.Headers.ContentLength, MaxInspectedBodyBytes, timeout.Token, timeout, idle).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return ForwarderError.ClientCanceled;
        }
        catch (OperationCanceledException)
        {
            return await WriteGatewayErrorAsync(context, route, StatusCodes.Status504GatewayTimeout, "upstream_timeout", "The upstream stopped sending its answer").ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            body = null;
        }

        if (body is null)
        {
            return await WriteGatewayErrorAsync(context, route, StatusCodes.Status502BadGateway, "response_not_inspectable",
                "The upstream's answer was too large to inspect or broke off").ConfigureAwait(false);
        }

        using (body)
        {
            observer?.OnStart(isEventStream: false);
            observer?.OnData(body.Segment);
            return await RelayJsonBodyAsync(context, route, feature, processor, upstream, body.Segment, aborted).ConfigureAwait(false);
        }
    }

    /// <summary>Processes the whole answer read by <see cref="RelayJsonAsync"/> and sends it on, rewritten or as it came.</summary>
    private static async Task<ForwarderError> RelayJsonBodyAsync(
        HttpContext context, RouteConfig route, GatewayRequestFeature feature, ResponseTextProcessor processor,
        HttpResponseMessage upstream, ArraySegment<byte> body, CancellationToken aborted)
    {
        switch (JsonResponseRewriter.Process(body, processor, out body))
        {
            case JsonResponseRewriter.Outcome.Blocked:
                feature.Decision = Decision.Blocked;
                feature.Rule = "sensitive_data_in_response";
                var entities = processor.BlockedEntities ?? [];
                await GatewayErrors.WriteAsync(context, route.Provider, StatusCodes.Status403Forbidden, GatewayErrors.PolicyType, "sensitive_data_in_response",
                    $"The model's answer was blocked on route '{route.Name}': it contains {string.Join(", ", entities)}", entities: entities).ConfigureAwait(false);
                return ForwarderError.None;
            case JsonResponseRewriter.Outcome.NotJson when LooksLikeJson(body):
                // JSON the gateway cannot read (NaN, nesting past 64 levels, cut off) that a lenient client might: its
                // escapes (\u0074) would hide a secret from a scan of the raw text. Not released.
                return await WriteGatewayErrorAsync(context, route, StatusCodes.Status502BadGateway, "response_not_inspectable",
                    "The upstream's answer is JSON the gateway cannot read, so it was not released").ConfigureAwait(false);
            case JsonResponseRewriter.Outcome.NotJson when body.Count > 0:
                // Declared JSON that is plain text (an error page): processed as one text, so nothing is released unread.
                var processed = processor.ProcessWhole(Encoding.UTF8.GetString(body));
                if (processed is null)
                {
                    return await WriteGatewayErrorAsync(context, route, StatusCodes.Status403Forbidden, "sensitive_data_in_response", "The model's answer was blocked").ConfigureAwait(false);
                }

                body = Encoding.UTF8.GetBytes(processed);
                break;
        }

        if (processor.RedactedText && feature.Decision == Decision.Allowed)
        {
            feature.Decision = Decision.Redacted; // a response rule replaced text; findings only logged do not count
        }

        HttpForwarder.CopyResponseHeaders(upstream, context.Response);
        context.Response.ContentLength = body.Count;
        try
        {
            await context.Response.Body.WriteAsync(body, aborted).ConfigureAwait(false);
            return ForwarderError.None;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            return ForwarderError.ClientCanceled;
        }
    }

    private static async Task<ForwarderError> RelayEventStreamAsync(
        HttpContext context, RouteConfig route, GatewayRequestFeature feature, ResponseTextProcessor processor,
        HttpResponseMessage upstream, CancellationTokenSource timeout, TimeSpan idle, CancellationToken aborted, IResponseBodyObserver? observer)
    {
        HttpForwarder.CopyResponseHeaders(upstream, context.Response);
        context.Response.ContentLength = null; // the body changes length as it is processed
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var transformer = new SseTransformer(processor, entities => Encoding.UTF8.GetString(entities is null
            ? GatewayErrors.Build(feature, route.Provider, StatusCodes.Status502BadGateway, GatewayErrors.GatewayType, UninspectableStream,
                $"The upstream's answer on route '{route.Name}' was ended: it sent an event the gateway cannot inspect")
            : GatewayErrors.Build(feature, route.Provider, StatusCodes.Status403Forbidden, GatewayErrors.PolicyType, "sensitive_data_in_response",
                $"The model's answer was blocked on route '{route.Name}': it contains {string.Join(", ", entities)}", entities: entities)),
            errorEventName: route.Provider == Provider.Anthropic ? "error" : null);
        var output = new ArrayBufferWriter<byte>(ReadBufferSize);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        try
        {
            timeout.CancelAfter(idle);
            await using var source = await upstream.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            while (true)
            {
                timeout.CancelAfter(idle);
                var read = await source.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
                bool open;
                if (read == 0)
                {
                    // The end releases what the sequences held back, which a rule may still block.
                    transformer.Complete(output);
                    open = !transformer.Blocked;
                }
                else
                {
                    observer?.OnData(buffer.AsSpan(0, read));
                    open = transformer.Feed(buffer.AsSpan(0, read), output);
                }

                await WriteAsync(context, output, aborted).ConfigureAwait(false);
                if (!open)
                {
                    // A response rule blocked (or an event could not be inspected): the error event is out for
                    // clients that read error events (the Python SDK raises on it). Aborting the connection makes
                    // every other client see the stream fail rather than end normally (the .NET SDK ignores error
                    // events). Not reading on cancels the upstream.
                    feature.Decision = transformer.Uninspectable ? Decision.Error : Decision.Blocked;
                    feature.Rule = transformer.Uninspectable ? UninspectableStream : "sensitive_data_in_response";
                    await AbortAfterDrainAsync(context, aborted).ConfigureAwait(false);
                    return ForwarderError.None;
                }

                if (processor.BlockedEntities is null && feature.Decision == Decision.Allowed && processor.RedactedText)
                {
                    feature.Decision = Decision.Redacted;
                }

                if (read == 0)
                {
                    return ForwarderError.None;
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return ForwarderError.ClientCanceled;
        }
        catch (OperationCanceledException)
        {
            return ForwarderError.Timeout;
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return aborted.IsCancellationRequested ? ForwarderError.ClientCanceled : ForwarderError.ResponseBody;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Aborting at once would discard output the transport has not sent yet, the error event included: give it a
    /// short, bounded moment to drain first.
    /// </summary>
    private static async Task AbortAfterDrainAsync(HttpContext context, CancellationToken aborted)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        context.Abort();
    }

    private static async Task WriteAsync(HttpContext context, ArrayBufferWriter<byte> output, CancellationToken aborted)
    {
        if (output.WrittenCount == 0)
        {
            return;
        }

        await context.Response.Body.WriteAsync(output.WrittenMemory, aborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
        output.ResetWrittenCount();
    }

    /// <summary>Whether the body opens as JSON text would: an object, an array or a string, after any whitespace.</summary>
    private static bool LooksLikeJson(ReadOnlySpan<byte> body)
    {
        var start = body.IndexOfAnyExcept(" \t\r\n"u8);
        return start >= 0 && body[start] is (byte)'{' or (byte)'[' or (byte)'"';
    }

    private static async Task<ForwarderError> WriteGatewayErrorAsync(HttpContext context, RouteConfig route, int status, string code, string message)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        feature.Decision = status == StatusCodes.Status403Forbidden ? Decision.Blocked : Decision.Error;
        feature.Rule = code;
        await GatewayErrors.WriteAsync(context, route.Provider, status, GatewayErrors.GatewayType, code, message).ConfigureAwait(false);
        return ForwarderError.None;
    }
}
