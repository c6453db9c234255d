using System.Text.Json;
using Bulwark.Gateway.Logging;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Tests.Logging;

public sealed class JsonLinesLoggerProviderTests
{
    [Fact]
    public void Lines_AreJsonWithStructuredState_AndAllAreWrittenByDispose()
    {
        var output = new MemoryStream();
        var provider = new JsonLinesLoggerProvider(output);
        var logger = provider.CreateLogger("Bulwark.Test");

        for (var i = 0; i < 1000; i++)
        {
            GatewayLog.RetryingOnNextKey(logger, $"req-{i}", "openai", 429, i % 3);
        }

        provider.Dispose();

        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1000);
        using var first = JsonDocument.Parse(lines[0]);
        var root = first.RootElement;
        root.GetProperty("EventId").GetInt32().ShouldBe(11);
        root.GetProperty("LogLevel").GetString().ShouldBe("Warning");
        root.GetProperty("Category").GetString().ShouldBe("Bulwark.Test");
        root.GetProperty("Message").GetString()!.ShouldContain("req-0");
        root.GetProperty("State").GetProperty("UpstreamStatus").GetInt32().ShouldBe(429);
        root.GetProperty("State").GetProperty("Route").GetString().ShouldBe("openai");
        lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("State").GetProperty("RequestId").GetString())
            .ShouldBe(Enumerable.Range(0, 1000).Select(i => $"req-{i}"));
    }

    [Fact]
    public void LinesFromManyThreads_AreNeverInterleaved()
    {
        var output = new MemoryStream();
        var provider = new JsonLinesLoggerProvider(output);
        var logger = provider.CreateLogger("Bulwark.Test");

        Parallel.For(0, 4000, i => GatewayLog.PatternTimedOut(logger, $"r{i}", "route", "deny_patterns[0]"));
        provider.Dispose();

        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(4000);
        lines.ShouldAllBe(l => JsonDocument.Parse(l, default).RootElement.GetProperty("EventId").GetInt32() == 13);
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("a-route-name-long-enough-that-the-message-outgrows-the-stack-buffer-of-512-bytes-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public void TheRequestLine_WritesItselfAsTheGenericPathWouldWriteIt(string route)
    {
        var line = new RequestCompletedLog("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", route, "openai.chat", "blocked", "deny_patterns[0]", 403,
            0, 1, 2, 431, 612, true, "EMAIL_ADDRESS:2", 1.23456, 0.5);

        var own = LogOnce(logger => RequestCompletedLog.Write(logger, line));
        var generic = LogOnce(logger => logger.Log(LogLevel.Information, RequestCompletedLog.Event, line.ToList(), null, (_, _) => line.ToString()));

        own.GetProperty("Message").GetString().ShouldBe(generic.GetProperty("Message").GetString());
        own.GetProperty("Message").GetString().ShouldBe(
            $"Request 0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b route={route} shape=openai.chat decision=blocked rule=deny_patterns[0] status=403 upstream_status=0 attempts=1 texts=2 text_chars=431 request_bytes=612 stream=True entities=EMAIL_ADDRESS:2 duration_ms=1.23 upstream_ms=0.50");
        own.GetProperty("EventId").GetInt32().ShouldBe(10);
        own.GetProperty("State").GetRawText().ShouldBe(generic.GetProperty("State").GetRawText()); // same names, order, JSON types and rounding
        own.GetProperty("State").GetProperty("DurationMs").GetDouble().ShouldBe(1.235);
        own.GetProperty("State").GetProperty("Stream").GetBoolean().ShouldBeTrue();
    }

    private static JsonElement LogOnce(Action<ILogger> log)
    {
        var output = new MemoryStream();
        var provider = new JsonLinesLoggerProvider(output);
        log(provider.CreateLogger("Bulwark.Test"));
        provider.Dispose();
        using var document = JsonDocument.Parse(output.ToArray());
        return document.RootElement.Clone();
    }
}
