using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Gateway.Forwarding;

/// <summary>Why a forward did not complete. Expected outcomes are values, not exceptions.</summary>
internal enum ForwarderError
{
    None,

    /// <summary>The upstream could not be reached (DNS, connect, TLS, reset before a response).</summary>
    Unreachable,

    /// <summary>The upstream did not answer, or stopped sending, within the route's timeout.</summary>
    Timeout,

    /// <summary>The client went away; the upstream call was cancelled.</summary>
    ClientCanceled,

    /// <summary>The upstream failed while the response body was being relayed.</summary>
    ResponseBody,
}

/// <summary>The outcome of sending one request upstream.</summary>
internal readonly record struct SendResult(HttpResponseMessage? Response, ForwarderError Error, Exception? Exception);

/// <summary>
/// Sends requests upstream and relays responses back, in the manner of YARP's forwarder: hop-by-hop headers are
/// dropped, bodies are streamed through a pooled buffer, event streams are flushed event by event, and a client
/// that disconnects cancels the upstream call.
/// </summary>
internal static class HttpForwarder
{
    private const int CopyBufferSize = 16 * 1024;

    // RFC 9110 §7.6.1 connection-specific fields, plus Host, which is derived from the upstream URL.
    private static readonly HashSet<string> HopByHopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Connection, "Keep-Alive", "Proxy-Connection", HeaderNames.ProxyAuthorization, HeaderNames.ProxyAuthenticate,
        HeaderNames.TE, HeaderNames.Trailer, HeaderNames.TransferEncoding, HeaderNames.Upgrade, HeaderNames.Host,
        HeaderNames.ContentLength, HeaderNames.Expect,
    };

    // Every header a client could use to carry a provider credential. On LLM routes the gateway's key replaces them.
    private static readonly HashSet<string> CredentialHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Authorization, "api-key", "x-api-key", "x-goog-api-key", "x-dashscope-api-key",
    };

    private static readonly HashSet<string> DroppedResponseHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Connection, "Keep-Alive", "Proxy-Connection", HeaderNames.TransferEncoding, HeaderNames.Upgrade,
        HeaderNames.Trailer, HeaderNames.ProxyAuthenticate, "Alt-Svc", "X-Request-Id",
    };

    /// <summary>
    /// Creates the upstream request: method, target, the client's end-to-end headers (without its credentials when
    /// <paramref name="stripCredentials"/>), and the body.
    /// </summary>
    public static HttpRequestMessage CreateRequest(HttpContext context, Uri target, HttpContent? content, bool stripCredentials, bool http2)
    {
        // Parse returns the shared instance of a known method (POST, GET...): no allocation, and the handler matches it by reference.
        var request = new HttpRequestMessage(HttpMethod.Parse(context.Request.Method), target)
        {
            Content = content,
            Version = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        var connectionTokens = context.Request.Headers.Connection;
        foreach (var header in context.Request.Headers)
        {
            var name = header.Key;
            if (HopByHopHeaders.Contains(name)
                || (stripCredentials && CredentialHeaders.Contains(name))
                || IsListedIn(connectionTokens, name))
            {
                continue;
            }

            HttpHeaders destination = name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) ? content?.Headers! : request.Headers;
            if (destination is null)
            {
                continue;
            }

            if (header.Value.Count == 1)
            {
                destination.TryAddWithoutValidation(name, header.Value.ToString());
            }
            else
            {
                destination.TryAddWithoutValidation(name, (IEnumerable<string>)header.Value!);
            }
        }

        return request;
    }

    /// <summary>Sends, bounded by <paramref name="timeout"/> until the response headers arrive.</summary>
    public static async Task<SendResult> SendAsync(
        HttpMessageInvoker client, HttpRequestMessage request, CancellationTokenSource linkedTimeout, TimeSpan timeout, CancellationToken clientAborted)
    {
        linkedTimeout.CancelAfter(timeout);
        try
        {
            var response = await client.SendAsync(request, linkedTimeout.Token).ConfigureAwait(false);
            return new SendResult(response, ForwarderError.None, null);
        }
        catch (OperationCanceledException e) when (clientAborted.IsCancellationRequested)
        {
            return new SendResult(null, ForwarderError.ClientCanceled, e);
        }
        catch (OperationCanceledException e)
        {
            return new SendResult(null, ForwarderError.Timeout, e);
        }
        catch (HttpRequestException e)
        {
            return new SendResult(null, ForwarderError.Unreachable, e);
        }
    }

    /// <summary>Copies the upstream status and end-to-end headers to the client response.</summary>
    public static void CopyResponseHeaders(HttpResponseMessage upstream, HttpResponse response)
    {
        response.StatusCode = (int)upstream.StatusCode;
        CopyHeaders(upstream.Headers, response);
        CopyHeaders(upstream.Content.Headers, response);
        if (upstream.Headers.TryGetValues("X-Request-Id", out var upstreamId))
        {
            response.Headers["x-upstream-request-id"] = new StringValues([.. upstreamId]);
        }
    }

    /// <summary>
    /// Relays the upstream body to the client as it arrives. Event streams are flushed after every read, so each
    /// server-sent event reaches the client when the upstream sends it. Every read is bounded by the idle timeout.
    /// <paramref name="observer"/>, when given, sees each chunk as read, unchanged, before it is written (the usage
    /// tap: Limits/UsageExtractor). It only reads; anything that rewrites the body belongs elsewhere.
    /// </summary>
    public static async Task<ForwarderError> CopyResponseBodyAsync(
        HttpContext context, HttpResponseMessage upstream, CancellationTokenSource linkedTimeout, TimeSpan idleTimeout, CancellationToken clientAborted,
        IResponseBodyObserver? observer = null)
    {
        var isEventStream = upstream.Content.Headers.ContentType?.MediaType?.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;
        if (isEventStream)
        {
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        }

        observer?.OnStart(isEventStream);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            await using var source = await upstream.Content.ReadAsStreamAsync(linkedTimeout.Token).ConfigureAwait(false); // armed by SendAsync
            while (true)
            {
                // A failed read lands in the catch blocks below: cancelled by the client, timed out, or broken.
                linkedTimeout.CancelAfter(idleTimeout);
                var read = await source.ReadAsync(buffer, linkedTimeout.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return ForwarderError.None;
                }

                observer?.OnData(buffer.AsSpan(0, read));

                try
                {
                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), clientAborted).ConfigureAwait(false);
                    if (isEventStream)
                    {
                        await context.Response.Body.FlushAsync(clientAborted).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException)
                {
                    return ForwarderError.ClientCanceled;
                }
            }
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return ForwarderError.ClientCanceled;
        }
        catch (OperationCanceledException)
        {
            return ForwarderError.Timeout;
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return ForwarderError.ResponseBody;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void CopyHeaders(HttpHeaders headers, HttpResponse response)
    {
        foreach (var header in headers.NonValidated)
        {
            if (!DroppedResponseHeaders.Contains(header.Key))
            {
                response.Headers[header.Key] = header.Value.Count == 1 ? new StringValues(header.Value.ToString()) : new StringValues([.. header.Value]);
            }
        }
    }

    private static bool IsListedIn(StringValues connection, string name)
    {
        foreach (var value in connection)
        {
            if (value is not null && value.Contains(name, StringComparison.OrdinalIgnoreCase))
            {
                foreach (var token in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (token.Equals(name, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
