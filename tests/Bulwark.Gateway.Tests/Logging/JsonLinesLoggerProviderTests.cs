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
}
