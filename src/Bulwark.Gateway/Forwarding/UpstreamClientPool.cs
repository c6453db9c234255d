using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// One long-lived <see cref="HttpMessageInvoker"/> over one <see cref="SocketsHttpHandler"/> per upstream origin, kept
/// across config reloads so connections stay pooled. Proxy, redirects, cookies and automatic decompression are off:
/// the gateway forwards what it gets and never follows where an upstream points.
/// </summary>
internal sealed class UpstreamClientPool : IDisposable
{
    private readonly ConcurrentDictionary<(string Origin, string? CaFile), HttpMessageInvoker> _clients = new();

    public HttpMessageInvoker Get(Uri upstream, string? caFile) =>
        _clients.GetOrAdd((upstream.GetLeftPart(UriPartial.Authority), caFile), static key => new HttpMessageInvoker(CreateHandler(key.CaFile), disposeHandler: true));

    internal static SocketsHttpHandler CreateHandler(string? caFile)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), // follow DNS changes of the provider
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            MaxResponseHeadersLength = 64,
            ActivityHeadersPropagator = null,
        };

        if (caFile is not null)
        {
            // A private CA for self-hosted models: trust exactly the certificates in the file, in addition to nothing.
            var trust = new X509Certificate2Collection();
            trust.ImportFromPemFile(caFile);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            };
            handler.SslOptions.CertificateChainPolicy.CustomTrustStore.AddRange(trust);
        }

        return handler;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
    }
}
