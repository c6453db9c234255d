using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Bulwark.Testing;

/// <summary>A request as the fake upstream received it. Header names are lower case.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>How the fake upstream behaves.</summary>
public sealed class FakeUpstreamOptions
{
    /// <summary>Events a streamed chat completion sends before <c>[DONE]</c>.</summary>
    public int StreamEvents { get; set; } = 50;

    /// <summary>Pause before each streamed event.</summary>
    public TimeSpan EventDelay { get; set; } = TimeSpan.Zero;

    /// <summary>When set, the fake upstream speaks HTTPS with this certificate.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Fixed port, or 0 for any free one.</summary>
    public int Port { get; set; }

    /// <summary>Record requests (tests) or not (load benchmarks).</summary>
    public bool Record { get; set; } = true;
}

/// <summary>
/// An OpenAI-compatible upstream on loopback: chat completions (plain and streamed), completions, embeddings,
/// responses, Anthropic messages and DashScope generation, each with a fixed answer. Tests script it per request
/// through <see cref="Script"/> and read what it received from <see cref="Requests"/>.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    public const string DefaultAnswer = "Hello from the fake upstream.";

    private readonly WebApplication _app;
    private readonly FakeUpstreamOptions _options;
    private readonly byte[] _chatCompletion;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _aborted;

    private FakeUpstream(WebApplication app, FakeUpstreamOptions options)
    {
        _app = app;
        _options = options;
        _chatCompletion = Encoding.UTF8.GetBytes(ChatCompletionJson(DefaultAnswer));
    }

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Requests whose client went away before the answer was complete.</summary>
    public int AbortedRequests => Volatile.Read(ref _aborted);

    /// <summary>Completes when the first request is aborted by its client.</summary>
    public TaskCompletionSource FirstAbort { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Answers a request instead of the default behaviour when it returns non-null. It sees the recorded request
    /// and the 1-based number of the request.
    /// </summary>
    public Func<RecordedRequest, int, ScriptedResponse?>? Script { get; set; }

    private int _count;

    public static async Task<FakeUpstream> StartAsync(FakeUpstreamOptions? options = null)
    {
        options ??= new FakeUpstreamOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                if (options.Certificate is { } certificate)
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(certificate);
                }
            });
        });

        var app = builder.Build();
        var upstream = new FakeUpstream(app, options);
        app.Run(upstream.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Urls.First();
        upstream.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return upstream;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref _count);
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        var recorded = new RecordedRequest(
            request.Method,
            request.Path + request.QueryString,
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            body);
        if (_options.Record)
        {
            _requests.Enqueue(recorded);
        }

        var completed = false;
        using var onAbort = context.RequestAborted.Register(() =>
        {
            if (!Volatile.Read(ref completed))
            {
                Interlocked.Increment(ref _aborted);
                FirstAbort.TrySetResult();
            }
        });

        try
        {
            if (Script?.Invoke(recorded, number) is { } scripted)
            {
                await WriteScriptedAsync(context, scripted).ConfigureAwait(false);
            }
            else
            {
                await WriteDefaultAsync(context, request.Path.Value ?? "/", body).ConfigureAwait(false);
            }

            Volatile.Write(ref completed, true);
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
    }

    private async Task WriteDefaultAsync(HttpContext context, string path, string body)
    {
        var response = context.Response;
        if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            if (body.Contains("\"stream\":true", StringComparison.Ordinal) || body.Contains("\"stream\": true", StringComparison.Ordinal))
            {
                await StreamAsync(context, Split(DefaultAnswer, _options.StreamEvents), _options.EventDelay).ConfigureAwait(false);
                return;
            }

            response.ContentType = "application/json";
            response.ContentLength = _chatCompletion.Length;
            await response.Body.WriteAsync(_chatCompletion, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        response.ContentType = "application/json";
        var json = path switch
        {
            _ when path.EndsWith("/embeddings", StringComparison.Ordinal) =>
                """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3]}],"model":"fake-embed","usage":{"prompt_tokens":3,"total_tokens":3}}""",
            _ when path.EndsWith("/completions", StringComparison.Ordinal) =>
                """{"id":"cmpl-1","object":"text_completion","created":1700000000,"model":"fake","choices":[{"index":0,"text":"Hello","finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""",
            _ when path.EndsWith("/responses", StringComparison.Ordinal) =>
                """{"id":"resp_1","object":"response","created_at":1700000000,"status":"completed","model":"fake","output":[{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hello","annotations":[]}]}],"usage":{"input_tokens":3,"output_tokens":1,"total_tokens":4}}""",
            _ when path.EndsWith("/messages", StringComparison.Ordinal) =>
                """{"id":"msg_1","type":"message","role":"assistant","model":"fake","content":[{"type":"text","text":"Hello"}],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":1}}""",
            _ when path.Contains("/services/aigc/", StringComparison.Ordinal) =>
                """{"output":{"text":"Hello","finish_reason":"stop"},"usage":{"input_tokens":3,"output_tokens":1},"request_id":"ds-1"}""",
            _ when path.EndsWith("/models", StringComparison.Ordinal) =>
                """{"object":"list","data":[{"id":"fake-model","object":"model","created":1700000000,"owned_by":"fake"}]}""",
            _ => """{"ok":true}""",
        };
        await response.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteScriptedAsync(HttpContext context, ScriptedResponse scripted)
    {
        if (scripted.Delay > TimeSpan.Zero)
        {
            await Task.Delay(scripted.Delay, context.RequestAborted).ConfigureAwait(false);
        }

        if (scripted.StreamDeltas is { } deltas)
        {
            await StreamAsync(context, deltas, scripted.EventDelay, scripted.BeforeEvent).ConfigureAwait(false);
            return;
        }

        if (scripted.RawEvents is { } raw)
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            foreach (var text in raw)
            {
                await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }

            return;
        }

        context.Response.StatusCode = scripted.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(scripted.Body ?? ChatCompletionJson(DefaultAnswer), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Sends each delta as one chat.completion.chunk event, then a usage event and <c>[DONE]</c>.</summary>
    private static async Task StreamAsync(HttpContext context, IReadOnlyList<string> deltas, TimeSpan delay, Func<int, Task>? beforeEvent = null)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        for (var i = 0; i < deltas.Count; i++)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
            }

            if (beforeEvent is not null)
            {
                await beforeEvent(i).WaitAsync(context.RequestAborted).ConfigureAwait(false);
            }

            await response.WriteAsync(ChunkEvent(deltas[i], first: i == 0), context.RequestAborted).ConfigureAwait(false);
            await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }

        await response.WriteAsync(EndEvents(deltas.Count), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>One streamed <c>chat.completion.chunk</c> event carrying <paramref name="delta"/>, as this upstream sends it.</summary>
    public static string ChunkEvent(string delta, bool first)
    {
        var chunk = JsonSerializer.Serialize(new
        {
            id = "chatcmpl-fake",
            @object = "chat.completion.chunk",
            created = 1700000000,
            model = "fake-model",
            choices = new[] { new { index = 0, delta = new { role = first ? "assistant" : null, content = delta }, finish_reason = (string?)null } },
        });
        return $"data: {chunk}\n\n";
    }

    /// <summary>What ends a stream of <paramref name="deltas"/> events: the finish and usage event, then <c>[DONE]</c>.</summary>
    public static string EndEvents(int deltas) =>
        "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"fake-model\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":" + deltas + ",\"total_tokens\":" + (5 + deltas) + "}}\n\ndata: [DONE]\n\n";

    /// <summary>Splits a text into <paramref name="parts"/> deltas (some empty when the text is short).</summary>
    public static IReadOnlyList<string> Split(string text, int parts)
    {
        var deltas = new List<string>(parts);
        for (var i = 0; i < parts; i++)
        {
            var start = text.Length * i / parts;
            var end = text.Length * (i + 1) / parts;
            deltas.Add(text[start..end]);
        }

        return deltas;
    }

    public static string ChatCompletionJson(string content) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-fake",
        @object = "chat.completion",
        created = 1700000000,
        model = "fake-model",
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 5, completion_tokens = 7, total_tokens = 12 },
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A scripted answer: a status and JSON body, a stream of content deltas or a raw event stream, optionally after a delay.</summary>
public sealed record ScriptedResponse(int Status = 200, string? Body = null)
{
    public TimeSpan Delay { get; init; }

    public IReadOnlyList<string>? StreamDeltas { get; init; }

    /// <summary>An event stream sent exactly as given, one flushed write per string: for shapes the fake does not make.</summary>
    public IReadOnlyList<string>? RawEvents { get; init; }

    public TimeSpan EventDelay { get; init; }

    /// <summary>Awaited before event N (0-based) is sent: lets a test hold a stream half-way.</summary>
    public Func<int, Task>? BeforeEvent { get; init; }
}
