using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Bulwark.FunctionalTests.Infrastructure;
using Bulwark.Testing;

namespace Bulwark.FunctionalTests;

public sealed class ForwardingTests
{
    private const string ChatBody = """{"model":"m","stream":true,"messages":[{"role":"user","content":"count to fifty"}]}""";

    private static string Route(string upstream, string extra = "") =>
        $"""
        routes:
          - name: openai
            path_prefix: /openai
            upstream: {upstream}
            api_key: sk-gateway
        {extra}
        """;

    private static HttpClient ProxyClient(GatewayFixture fixture) =>
        new(new HttpClientHandler { Proxy = new WebProxy(fixture.ProxyAddress), UseProxy = true });

    [Fact]
    public async Task ForwardProxyMode_AbsoluteFormRequestForARouteHost_IsInspectedAndKeyed()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => GatewayFixture.Listeners() + $"""
            routes:
              - name: openai
                hosts: [api.openai.com]
                upstream: {up}
                api_key: sk-gateway
                deny_patterns: [forbidden]
            """);
        using var client = ProxyClient(fixture);

        using var ok = await client.PostAsync("http://api.openai.com/v1/chat/completions", new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}"""));
        using var blocked = await client.PostAsync("http://api.openai.com/v1/chat/completions", new StringContent("""{"model":"m","messages":[{"role":"user","content":"forbidden"}]}"""));

        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        blocked.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var received = fixture.Upstream.Requests.ShouldHaveSingleItem();
        received.PathAndQuery.ShouldBe("/v1/chat/completions");
        received.Header("authorization").ShouldBe("Bearer sk-gateway");
    }

    [Fact]
    public async Task UnknownHost_WithPassthrough_IsForwardedUntouched()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => GatewayFixture.Listeners("passthrough") + Route("https://api.openai.com"));
        using var client = ProxyClient(fixture);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Upstream.BaseAddress, "anything?x=1"))
        {
            Content = new StringContent("not json at all"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer client-own-token");

        using var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var received = fixture.Upstream.Requests.ShouldHaveSingleItem();
        received.PathAndQuery.ShouldBe("/anything?x=1");
        received.Body.ShouldBe("not json at all");
        received.Header("authorization").ShouldBe("Bearer client-own-token");
        received.Header("via").ShouldBe("1.1 bulwark");
    }

    [Fact]
    public async Task UnknownHost_WithDeny_IsRefused()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => GatewayFixture.Listeners("deny") + Route(up));
        using var client = ProxyClient(fixture);

        using var response = await client.GetAsync(new Uri(fixture.Upstream.BaseAddress, "v1/models"));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).ShouldContain("unknown_host");
        fixture.Upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Passthrough_ToTheGatewayItself_IsRefused()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => GatewayFixture.Listeners("passthrough") + Route(up));
        using var client = ProxyClient(fixture);

        using var response = await client.GetAsync(new Uri(fixture.ProxyAddress, "loop"));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).ShouldContain("gateway_listener");
    }

    [Fact]
    public async Task Passthrough_RequestThatAlreadyPassedThroughBulwark_IsStoppedAsALoop()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => GatewayFixture.Listeners("passthrough") + Route(up));
        using var client = ProxyClient(fixture);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Upstream.BaseAddress, "x"));
        request.Headers.TryAddWithoutValidation("Via", "1.1 bulwark");

        using var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe((HttpStatusCode)508);
        fixture.Upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Passthrough_ToTheAdminListener_IsRefused()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => GatewayFixture.Listeners("passthrough") + Route(up));
        using var client = ProxyClient(fixture);

        using var response = await client.GetAsync(new Uri(fixture.Gateway.AdminAddress, "readyz"));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).ShouldContain("gateway_listener");
    }

    [Fact]
    public async Task Connect_IsRefusedWithAnExplanation()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => GatewayFixture.Listeners("passthrough") + Route(up));
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(fixture.ProxyAddress.Host, fixture.ProxyAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync("CONNECT api.openai.com:443 HTTP/1.1\r\nHost: api.openai.com:443\r\n\r\n"u8.ToArray());
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var answer = Encoding.ASCII.GetString(buffer, 0, read);

        answer.ShouldStartWith("HTTP/1.1 405");
        answer.ShouldContain("connect_not_supported");
        fixture.Upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task StreamedResponse_IsRelayedEventByEvent_NotBuffered()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The forwarder alone: response detection holds back a token still being written, by design (DetectionStreamingTests).
        await using var fixture = await GatewayFixture.StartAsync((up, _) => GatewayFixture.Listeners() + Route(up, "    detection: { enabled: false }"));
        fixture.Upstream.Script = (_, _) => new ScriptedResponse
        {
            StreamDeltas = ["first", "second"],
            BeforeEvent = i => i == 1 ? release.Task : Task.CompletedTask, // hold the stream after the first event
        };
        using var client = fixture.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/openai/v1/chat/completions") { Content = new StringContent(ChatBody) };

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var firstEvent = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));

        firstEvent.ShouldNotBeNull();
        firstEvent.ShouldContain("\"first\""); // arrived while the upstream is still holding the rest
        release.SetResult();
        var rest = await reader.ReadToEndAsync();
        rest.ShouldContain("\"second\"");
        rest.ShouldContain("[DONE]");
    }

    [Fact]
    public async Task ClientDisconnect_MidStream_CancelsTheUpstreamCall()
    {
        await using var fixture = await GatewayFixture.StartAsync(
            (up, _) => GatewayFixture.Listeners() + Route(up),
            new FakeUpstreamOptions { StreamEvents = 50, EventDelay = TimeSpan.FromMilliseconds(200) });
        using (var client = fixture.CreateClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/openai/v1/chat/completions") { Content = new StringContent(ChatBody) };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            (await reader.ReadLineAsync()).ShouldNotBeNull();
        }

        // The whole stream takes 10 s; the upstream must see the cancellation long before that.
        await fixture.Upstream.FirstAbort.Task.WaitAsync(TimeSpan.FromSeconds(8));
        fixture.Upstream.AbortedRequests.ShouldBe(1);
    }

    [Fact]
    public async Task UnreachableUpstream_Returns502Json_WithoutTheKey()
    {
        var closedPort = FreePort();
        await using var fixture = await GatewayFixture.StartAsync((_, _) => GatewayFixture.Listeners() + Route($"http://127.0.0.1:{closedPort}"));
        using var client = fixture.CreateClient();

        using var response = await client.PostAsync("/openai/v1/chat/completions", new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}"""));
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString().ShouldBe("upstream_unreachable");
        body.ShouldNotContain("sk-gateway");
    }

    [Fact]
    public async Task SlowUpstream_Returns504Json()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => GatewayFixture.Listeners() + Route(up, "    timeout_ms: 300"));
        fixture.Upstream.Script = (_, _) => new ScriptedResponse { Delay = TimeSpan.FromSeconds(10) };
        using var client = fixture.CreateClient();

        using var response = await client.PostAsync("/openai/v1/chat/completions", new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}"""));
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.GatewayTimeout);
        JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString().ShouldBe("upstream_timeout");
        body.ShouldNotContain("sk-gateway");
    }

    [Fact]
    public async Task HttpsUpstream_WithPrivateCa_AppSpeaksPlainHttpGatewaySpeaksTls()
    {
        using var certificate = CreateSelfSigned();
        var caFile = Path.Combine(Path.GetTempPath(), $"bulwark-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(caFile, certificate.ExportCertificatePem());
        try
        {
            await using var fixture = await GatewayFixture.StartAsync(
                (up, _) => GatewayFixture.Listeners() + Route(up.Replace("http://127.0.0.1", "https://localhost", StringComparison.Ordinal), $"    upstream_ca_file: {caFile}"),
                new FakeUpstreamOptions { Certificate = certificate });
            fixture.Upstream.BaseAddress.Scheme.ShouldBe("https");
            using var client = fixture.CreateClient();

            using var response = await client.PostAsync("/openai/v1/chat/completions", new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}"""));

            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            fixture.Upstream.Requests.ShouldHaveSingleItem().Header("authorization").ShouldBe("Bearer sk-gateway");
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Fact]
    public async Task AdminEndpoints_AreServedOnlyOnTheAdminListener()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => GatewayFixture.Listeners() + Route(up));
        using var http = new HttpClient();

        using var viaAdmin = await http.GetAsync(new Uri(fixture.Gateway.AdminAddress, "healthz"));
        using var viaProxy = await http.GetAsync(new Uri(fixture.ProxyAddress, "healthz"));

        viaAdmin.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await viaAdmin.Content.ReadAsStringAsync()).ShouldContain("ok");
        viaProxy.StatusCode.ShouldBe(HttpStatusCode.Forbidden); // the proxy treats it as an unknown host
    }

    [Fact]
    public async Task Cli_InvalidConfig_RefusesToStartAndNamesRouteAndPattern()
    {
        var config = Path.Combine(Path.GetTempPath(), $"bulwark-bad-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(config, """
            routes:
              - name: broken-route
                path_prefix: /x
                upstream: https://example.com
                deny_patterns: ["(unclosed"]
            """);
        try
        {
            var (exitCode, _, stderr) = await RunCliAsync(["serve", "--config", config], TimeSpan.FromSeconds(60));

            exitCode.ShouldBe(2);
            stderr.ShouldContain("broken-route");
            stderr.ShouldContain("(unclosed");
            stderr.ShouldContain("routes[0].deny_patterns[0]");
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task Cli_Serve_StartsTheGatewayAndAnswersHealth()
    {
        var config = Path.Combine(Path.GetTempPath(), $"bulwark-ok-{Guid.NewGuid():N}.yaml");
        var adminPort = FreePort();
        await File.WriteAllTextAsync(config, $"""
            listen: 127.0.0.1:0
            admin_listen: 127.0.0.1:{adminPort}
            routes:
              - name: openai
                path_prefix: /openai
                upstream: https://api.openai.com
            """);
        using var process = StartCli(["serve", "--config", config]);
        try
        {
            using var http = new HttpClient();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            HttpResponseMessage? health = null;
            while (health is null && DateTime.UtcNow < deadline)
            {
                try
                {
                    health = await http.GetAsync($"http://127.0.0.1:{adminPort}/readyz");
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(200);
                }
            }

            health.ShouldNotBeNull("the gateway process did not answer on its admin port within 30 s");
            health.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await health.Content.ReadAsStringAsync()).ShouldContain("\"routes\":1");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            File.Delete(config);
        }
    }

    /// <summary>How to run the real <c>bulwark</c> executable built beside the tests.</summary>
    private static ProcessStartInfo CliStartInfo(IEnumerable<string> args, bool redirectInput)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "bulwark.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>Starts the CLI. Its output is drained (a full pipe would stall its writes) into <paramref name="output"/> when given.</summary>
    internal static Process StartCli(IEnumerable<string> args, StringBuilder? output = null)
    {
        var process = Process.Start(CliStartInfo(args, redirectInput: false))!;
        DataReceivedEventHandler keep = (_, e) =>
        {
            if (output is not null && e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += keep;
        process.ErrorDataReceived += keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(IEnumerable<string> args, TimeSpan timeout, string? stdin = null)
    {
        using var process = Process.Start(CliStartInfo(args, redirectInput: stdin is not null))!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static X509Certificate2 CreateSelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
