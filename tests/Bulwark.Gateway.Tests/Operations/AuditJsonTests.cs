using System.Text;
using Bulwark.Gateway.Audit;

namespace Bulwark.Gateway.Tests.Operations;

public sealed class AuditJsonTests
{
    /// <summary>An event with every field set, text that needs escaping included.</summary>
    public static AuditEvent EveryField { get; } = new()
    {
        Time = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_123),
        RequestId = "req-\"quoted\"-é",
        Consumer = "billing",
        Route = "openai",
        Model = "gpt-4o-mini",
        Decision = "redacted",
        Rules = ["deny_patterns[0]", "limit.consumer.tokens_per_day"],
        Entities = new Dictionary<string, int> { ["EMAIL_ADDRESS"] = 2, ["CN_RESIDENT_ID"] = 1 },
        GuardVerdict = "allow",
        GuardLatencyMs = 12.5,
        Status = 200,
        UpstreamStatus = 200,
        PromptTokens = 31,
        CompletionTokens = 7,
        TotalTokens = 38,
        GatewayLatencyMs = 3.25,
        UpstreamLatencyMs = 2.0,
    };

    public static TheoryData<AuditEvent> Events() => new()
    {
        new AuditEvent { Time = DateTimeOffset.UnixEpoch, RequestId = "req-1", Decision = "allowed" },
        EveryField,
        EveryField with { RequestId = "req-<script>\u0001", GatewayLatencyMs = 3.0000000001, UpstreamLatencyMs = 1e-7 },
        new AuditEvent { Time = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.FromHours(8)), RequestId = "r", Decision = "blocked", Status = 403, GuardLatencyMs = 0, PromptTokens = 0 },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void TheJournalLine_IsByteForByteTheSerializersLine_AndReadsBack(AuditEvent auditEvent)
    {
        var line = Encoding.UTF8.GetString(AuditJson.ToUtf8Line(auditEvent));

        line.ShouldBe(AuditJson.ToLine(auditEvent) + "\n");
        var read = AuditJson.FromLine(line)!;
        read.RequestId.ShouldBe(auditEvent.RequestId);
        read.Time.ShouldBe(auditEvent.Time);
        read.Entities.OrderBy(e => e.Key).ShouldBe(auditEvent.Entities.OrderBy(e => e.Key));
        read.Rules.ShouldBe(auditEvent.Rules);
        (read.GuardLatencyMs, read.PromptTokens, read.GatewayLatencyMs).ShouldBe((auditEvent.GuardLatencyMs, auditEvent.PromptTokens, auditEvent.GatewayLatencyMs));
    }
}
