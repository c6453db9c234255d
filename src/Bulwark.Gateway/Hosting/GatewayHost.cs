using System.Net;
using Bulwark.Gateway.Admin;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Consumers;
using Bulwark.Gateway.Forwarding;
using Bulwark.Gateway.Guard;
using Bulwark.Gateway.Logging;
using Bulwark.Gateway.Limits;
using Bulwark.Gateway.Pipeline;
using Bulwark.Gateway.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Hosting;

/// <summary>How to start a gateway.</summary>
/// <param name="ConfigPath">The YAML config file; null serves the embedded default config.</param>
/// <param name="ConfigureLogging">Adds or replaces log providers (tests capture logs through it).</param>
public sealed record GatewayHostOptions(string? ConfigPath, Action<ILoggingBuilder>? ConfigureLogging = null)
{
    /// <summary>Overrides the clock (tests use a fake one).</summary>
    public TimeProvider? Time { get; init; }
}

/// <summary>The two listeners the gateway binds: the proxy one for applications, the admin one for operators.</summary>
internal sealed class GatewayListeners
{
    public ListenOptions? Proxy { get; set; }

    public ListenOptions? Admin { get; set; }

    public IPEndPoint ProxyEndPoint => Proxy?.IPEndPoint ?? throw new InvalidOperationException("The gateway has not been started.");

    public IPEndPoint AdminEndPoint => Admin?.IPEndPoint ?? throw new InvalidOperationException("The gateway has not been started.");
}

/// <summary>A started gateway; disposing it stops it.</summary>
public sealed class RunningGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    internal RunningGateway(WebApplication app) => _app = app;

    /// <summary>Base address of the proxy listener (what applications call).</summary>
    public Uri ProxyAddress => ToUri(_app.Services.GetRequiredService<GatewayListeners>().ProxyEndPoint);

    /// <summary>Base address of the admin listener (health, metrics, admin API).</summary>
    public Uri AdminAddress => ToUri(_app.Services.GetRequiredService<GatewayListeners>().AdminEndPoint);

    public IServiceProvider Services => _app.Services;

    internal ConfigManager Config => _app.Services.GetRequiredService<ConfigManager>();

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static Uri ToUri(IPEndPoint endPoint)
    {
        var host = endPoint.Address.Equals(IPAddress.Any) ? "127.0.0.1"
            : endPoint.Address.Equals(IPAddress.IPv6Any) ? "[::1]"
            : endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]" : endPoint.Address.ToString();
        return new Uri($"http://{host}:{endPoint.Port}/");
    }
}

/// <summary>
/// Builds and starts the gateway: the config is loaded (an invalid one throws <see cref="ConfigException"/> and
/// nothing starts), Kestrel binds the proxy and admin listeners, and requests are dispatched by the listener they
/// arrived on, so the admin API is unreachable from the proxy port.
/// </summary>
public static class GatewayHost
{
    public static async Task<RunningGateway> StartAsync(GatewayHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var app = Build(options);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var listeners = app.Services.GetRequiredService<GatewayListeners>();
        var config = app.Services.GetRequiredService<ConfigManager>().Current;
        GatewayLog.Started(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Bulwark.Gateway"),
            listeners.ProxyEndPoint.ToString(), listeners.AdminEndPoint.ToString(), config.Routes.Length, config.Source);
        return new RunningGateway(app);
    }

    internal static WebApplication Build(GatewayHostOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Bulwark.Gateway" });
        builder.Logging.ClearProviders();
        // JSON lines on stdout, written in batches off the request path (Logging/JsonLinesLoggerProvider).
        builder.Logging.AddProvider(new JsonLinesLoggerProvider(Console.OpenStandardOutput()));

        // Framework request logs carry URLs with query strings, where some providers put keys: keep them quiet.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        // With any level of this category on, hosting starts an Activity per request, and HttpClient then one more per
        // upstream call (two objects, ids and tags a request). Nothing here reads them: the gateway logs its own line.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        options.ConfigureLogging?.Invoke(builder.Logging);

        builder.Services.AddBulwarkGateway(options.ConfigPath, options.Time ?? TimeProvider.System);

        var listeners = new GatewayListeners();
        builder.Services.AddSingleton(listeners);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The config decides where to listen. It was loaded and validated before the server starts (below).
            var config = kestrel.ApplicationServices.GetRequiredService<ConfigManager>().Current;
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // enforced per route by the pipeline
            kestrel.Listen(config.Listen, listen =>
            {
                listen.Protocols = HttpProtocols.Http1; // plaintext: h2c would need prior knowledge, which LLM SDKs do not use
                listeners.Proxy = listen;
            });
            kestrel.Listen(config.AdminListen, listen => listeners.Admin = listen);
        });

        var app = builder.Build();

        // An invalid config throws ConfigException here, before anything listens.
        _ = app.Services.GetRequiredService<ConfigManager>();
        var pipeline = app.Services.GetRequiredService<GatewayPipeline>();
        app.Use(next => context =>
            context.Connection.LocalPort == listeners.AdminEndPoint.Port && listeners.AdminEndPoint.Port != listeners.ProxyEndPoint.Port
                ? AdminEndpoints.HandleAsync(context)
                : pipeline.InvokeAsync(context));
        return app;
    }

    /// <summary>Registers the gateway's services. Each uses TryAdd, so a host can replace any of them first.</summary>
    public static IServiceCollection AddBulwarkGateway(this IServiceCollection services, string? configPath, TimeProvider time)
    {
        services.TryAddSingleton(time);
        services.TryAddSingleton(sp => new ConfigManager(configPath, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ConfigManager>>()));
        services.TryAddSingleton<UpstreamClientPool>();
        services.TryAddSingleton<GuardClient>();
        services.TryAddSingleton<IntelligentGuard>();
        services.TryAddSingleton<GatewayPipeline>();

        // Consumers, limits and the audit trail, over the store the config names (chosen at start).
        services.TryAddSingleton<IGatewayStore>(sp => GatewayStoreFactory.Create(sp.GetRequiredService<ConfigManager>().Current.Storage));
        services.TryAddSingleton<IAuditSink>(sp => sp.GetRequiredService<IGatewayStore>());
        services.TryAddSingleton(sp => new AuditWriter(
            sp.GetRequiredService<IAuditSink>(), sp.GetRequiredService<ConfigManager>().Current.Audit, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AuditWriter>>()));
        services.AddHostedService(sp => sp.GetRequiredService<AuditWriter>());
        services.TryAddSingleton<AuditRecorder>();
        services.TryAddSingleton<ConsumerAuthenticator>();
        services.TryAddSingleton<LimitGate>();
        services.TryAddSingleton<AccessControl>();
        return services;
    }
}
