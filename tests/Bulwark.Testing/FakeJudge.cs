using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bulwark.Testing;

/// <summary>
/// One call the fake judge received, with the boundary checked: the nonce announced in the system message, and the
/// judged text between the markers carrying it.
/// </summary>
public sealed partial record JudgeCall(string? Model, string System, string User, string? ResponseFormat, string? Authorization, string? Via)
{
    /// <summary>The 32-hex-digit nonce the system message announces, or null.</summary>
    public string? Nonce => NonceRegex().Match(System) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>
    /// True when the user message is exactly one open marker, the judged text, and one close marker, all carrying
    /// the announced nonce, and no marker-like <c>&lt;&lt;&lt;</c> or <c>&gt;&gt;&gt;</c> occurs in between.
    /// </summary>
    public bool MarkersIntact
    {
        get
        {
            if (Nonce is not { } nonce)
            {
                return false;
            }

            var open = $"<<<JUDGED_TEXT {nonce}>>>\n";
            var close = $"\n<<<END_JUDGED_TEXT {nonce}>>>";
            if (!User.StartsWith(open, StringComparison.Ordinal) || !User.EndsWith(close, StringComparison.Ordinal))
            {
                return false;
            }

            var inner = User[open.Length..^close.Length];
            return !inner.Contains("<<<", StringComparison.Ordinal) && !inner.Contains(">>>", StringComparison.Ordinal);
        }
    }

    /// <summary>The text between the markers (the whole user message when they are not intact).</summary>
    public string JudgedText => MarkersIntact && Nonce is { } nonce
        ? User[$"<<<JUDGED_TEXT {nonce}>>>\n".Length..^$"\n<<<END_JUDGED_TEXT {nonce}>>>".Length]
        : User;

    [GeneratedRegex(@"<<<JUDGED_TEXT ([0-9a-f]{32})>>>")]
    private static partial Regex NonceRegex();
}

/// <summary>What the fake judge answers: a chat completion whose content is <see cref="Content"/>, or a bare status.</summary>
public sealed record JudgeReply(int Status = 200, string? Content = null)
{
    public TimeSpan Delay { get; init; }

    /// <summary>Awaited before answering: lets a test hold the verdict until something else has happened.</summary>
    public Task? After { get; init; }

    public static JudgeReply Allow() => new(Content: """{"result":"allow","categories":[],"reason":"Nothing sensitive."}""");

    public static JudgeReply Deny(string category = "confidential", string reason = "Internal business plans.") =>
        new(Content: JsonSerializer.Serialize(new { result = "deny", categories = new[] { category }, reason }));

    public static JudgeReply Text(string content) => new(Content: content);

    public static JudgeReply Error(int status) => new(status);
}

/// <summary>
/// A scripted OpenAI-compatible judge on loopback: it records each call (see <see cref="JudgeCall"/>) and answers
/// with what <see cref="Reply"/> returns (allow by default), after the reply's delay.
/// </summary>
public sealed class FakeJudge : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<JudgeCall> _calls = new();
    private int _count;

    private FakeJudge(WebApplication app) => _app = app;

    /// <summary>The chat completions URL to put in <c>intelligent_guard.url</c>.</summary>
    public Uri Url { get; private set; } = null!;

    public Func<JudgeCall, JudgeReply> Reply { get; set; } = _ => JudgeReply.Allow();

    public IReadOnlyList<JudgeCall> Calls => [.. _calls];

    public int CallCount => Volatile.Read(ref _count);

    public static async Task<FakeJudge> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        var app = builder.Build();
        var judge = new FakeJudge(app);
        app.Run(judge.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        judge.Url = new Uri(app.Urls.First().TrimEnd('/') + "/v1/chat/completions");
        return judge;
    }

    /// <summary>A loopback URL where nothing listens: connecting to it is refused.</summary>
    public static Uri ClosedPortUrl()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/v1/chat/completions");
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        var root = document.RootElement;
        var messages = root.GetProperty("messages");
        var call = new JudgeCall(
            root.TryGetProperty("model", out var model) ? model.GetString() : null,
            messages[0].GetProperty("content").GetString() ?? string.Empty,
            messages[1].GetProperty("content").GetString() ?? string.Empty,
            root.TryGetProperty("response_format", out var format) ? format.GetProperty("type").GetString() : null,
            context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null,
            context.Request.Headers.Via.ToString() is { Length: > 0 } via ? via : null);
        _calls.Enqueue(call);
        Interlocked.Increment(ref _count);

        var reply = Reply(call);
        try
        {
            if (reply.After is { } after)
            {
                await after.WaitAsync(context.RequestAborted).ConfigureAwait(false);
            }

            if (reply.Delay > TimeSpan.Zero)
            {
                await Task.Delay(reply.Delay, context.RequestAborted).ConfigureAwait(false);
            }

            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = "application/json";
            var body = reply.Content is null
                ? """{"error":{"message":"judge failure","type":"server_error"}}"""
                : JsonSerializer.Serialize(new
                {
                    id = "chatcmpl-judge",
                    @object = "chat.completion",
                    created = 1700000000,
                    model = call.Model ?? "judge",
                    choices = new[] { new { index = 0, message = new { role = "assistant", content = reply.Content }, finish_reason = "stop" } },
                });
            await context.Response.WriteAsync(body, Encoding.UTF8, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
