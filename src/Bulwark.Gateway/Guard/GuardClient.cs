using System.Buffers;
using System.Net;
using System.Text.Json;
using Bulwark.Gateway.Forwarding;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Gateway.Guard;

/// <summary>The judge's answer to one call: a verdict, or why there is none.</summary>
internal readonly record struct JudgeAnswer(GuardVerdict? Verdict, GuardErrorKind Error, int Status);

/// <summary>
/// Calls the judge: one OpenAI-compatible chat completion, sent directly over the gateway's pooled connections (a
/// long-lived <see cref="SocketsHttpHandler"/> with proxy, redirects and cookies off), so a judge call never passes
/// through the gateway's own pipeline or an <c>HTTP_PROXY</c> that points back at it. The call carries a
/// <c>Via: 1.1 bulwark-guard</c> mark; a guarded route refuses a request with that mark (a loop).
/// </summary>
internal sealed class GuardClient(UpstreamClientPool clients, TimeProvider time)
{
    public const string ViaToken = "1.1 bulwark-guard";

    /// <summary>Bigger judge answers are refused: a verdict is a few hundred bytes.</summary>
    private const int MaxAnswerBytes = 256 * 1024;

    private const int MaxTokens = 512;

    public async Task<JudgeAnswer> AskAsync(GuardConfig guard, string system, string user, CancellationToken cancellationToken)
    {
        var client = clients.Get(guard.Endpoint, caFile: null);
        using var timeout = new CancellationTokenSource(guard.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, guard.Endpoint)
        {
            Content = new ByteArrayContent(Body(guard, system, user)),
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(HeaderNames.Accept, "application/json");
        request.Headers.TryAddWithoutValidation(HeaderNames.Via, ViaToken);
        if (guard.ApiKey is { } key && key.GetValue() is { Length: > 0 } value)
        {
            request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, "Bearer " + value);
        }

        try
        {
            using var response = await client.SendAsync(request, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is < 200 or > 299)
            {
                return new JudgeAnswer(null, GuardErrorKind.HttpStatus, status);
            }

            var content = await ReadContentAsync(response, linked.Token).ConfigureAwait(false);
            var verdict = VerdictParser.Parse(content);
            return new JudgeAnswer(verdict, verdict is null ? GuardErrorKind.Unparsable : GuardErrorKind.None, status);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new JudgeAnswer(null, GuardErrorKind.ClientCanceled, 0);
        }
        catch (OperationCanceledException)
        {
            return new JudgeAnswer(null, GuardErrorKind.Timeout, 0);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new JudgeAnswer(null, GuardErrorKind.Unreachable, 0);
        }
    }

    private static byte[] Body(GuardConfig guard, string system, string user)
    {
        var buffer = new ArrayBufferWriter<byte>(system.Length + user.Length + 256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (guard.Model is { } model)
            {
                json.WriteString("model", model);
            }

            json.WriteStartArray("messages");
            json.WriteStartObject();
            json.WriteString("role", "system");
            json.WriteString("content", system);
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteString("role", "user");
            json.WriteString("content", user);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteNumber("temperature", 0);
            json.WriteNumber("max_tokens", MaxTokens);
            json.WriteBoolean("stream", false);
            if (guard.JsonMode)
            {
                json.WriteStartObject("response_format");
                json.WriteString("type", "json_object");
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>choices[0].message.content</c> of a chat completion, read with a size cap; null when absent.</summary>
    private static async Task<string?> ReadContentAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxAnswerBytes)
        {
            return null;
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(MaxAnswerBytes + 1);
            try
            {
                return await ReadChoiceAsync(stream, buffer, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async Task<string?> ReadChoiceAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var limit = MaxAnswerBytes + 1;
        var total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(total, limit - total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > MaxAnswerBytes)
            {
                return null;
            }
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.AsMemory(0, total));
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array
                && choices.GetArrayLength() > 0 && choices[0].ValueKind == JsonValueKind.Object
                && choices[0].TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
                && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            {
                return content.GetString();
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
