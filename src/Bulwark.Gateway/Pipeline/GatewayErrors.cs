using System.Text.Json;
using Bulwark.Gateway.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Bulwark.Gateway.Pipeline;

/// <summary>
/// Errors a client SDK can read: OpenAI-shaped (<c>{"error":{"message","type","code","param"}}</c>) or, on Anthropic
/// routes, Anthropic-shaped (<c>{"type":"error","error":{"type","message"}}</c>). Both carry the rule code, the route
/// and the request id; none ever echoes the request text, a key or an upstream's raw answer.
/// </summary>
internal static class GatewayErrors
{
    public const string PolicyType = "policy_violation";
    public const string InvalidRequestType = "invalid_request_error";
    public const string GatewayType = "gateway_error";

    public static async Task WriteAsync(
        HttpContext context, Provider provider, int status, string type, string code, string message, string? param = null,
        IReadOnlyList<string>? entities = null, IReadOnlyList<string>? categories = null)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-store";
        var body = Build(feature, provider, status, type, code, message, param, entities, categories);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The error body as UTF-8 JSON, also used as the final event of a blocked stream.</summary>
    public static byte[] Build(
        GatewayRequestFeature feature, Provider provider, int status, string type, string code, string message, string? param = null,
        IReadOnlyList<string>? entities = null, IReadOnlyList<string>? categories = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (provider == Provider.Anthropic)
            {
                json.WriteString("type", "error");
            }

            json.WriteStartObject("error");
            json.WriteString("type", provider == Provider.Anthropic ? AnthropicType(status) : type);
            json.WriteString("message", $"{message} (request id {feature.RequestId})");
            json.WriteString("code", code);
            if (param is null)
            {
                json.WriteNull("param");
            }
            else
            {
                json.WriteString("param", param);
            }

            if (entities is { Count: > 0 })
            {
                json.WriteStartArray("entities");
                foreach (var entity in entities)
                {
                    json.WriteStringValue(entity);
                }

                json.WriteEndArray();
            }

            if (categories is not null)
            {
                // What the intelligent guard found: sanitised labels, never text.
                json.WriteStartArray("categories");
                foreach (var category in categories)
                {
                    json.WriteStringValue(category);
                }

                json.WriteEndArray();
            }

            if (feature.Route is { } route)
            {
                json.WriteString("route", route.Name);
            }

            json.WriteString("request_id", feature.RequestId);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string AnthropicType(int status) => status switch
    {
        400 or 413 or 415 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        504 => "timeout_error",
        _ => "api_error",
    };
}
