using System.Text.Json;
using Bulwark.Gateway.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Admin;

/// <summary>
/// The admin listener: health and readiness now. It is bound to its own port so applications, which reach only the
/// proxy port, can never call it.
/// </summary>
internal static class AdminEndpoints
{
    public static Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;

        // Keys and audit (OperationsApi.cs).
        if (path is not null && path.StartsWith(OperationsApi.PathPrefix, StringComparison.Ordinal))
        {
            return OperationsApi.HandleAsync(context);
        }

        if (!HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        }

        switch (path)
        {
            case "/healthz":
                return WriteAsync(context, StatusCodes.Status200OK, new Dictionary<string, object> { ["status"] = "ok" });
            case "/readyz":
                var config = context.RequestServices.GetRequiredService<ConfigManager>();
                return WriteAsync(context, StatusCodes.Status200OK, new Dictionary<string, object>
                {
                    ["status"] = "ready",
                    ["config_generation"] = config.Generation,
                    ["routes"] = config.Current.Routes.Length,
                });
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
        }
    }

    private static Task WriteAsync(HttpContext context, int status, Dictionary<string, object> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }
}
