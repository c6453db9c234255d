using Bulwark.Gateway.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Audit;

/// <summary>Turns a finished request's feature into its audit event (step 8 of the pipeline) and queues it.</summary>
internal sealed class AuditRecorder(AuditWriter writer, TimeProvider time)
{
    private static readonly IReadOnlyDictionary<string, int> NoEntities = System.Collections.Frozen.FrozenDictionary<string, int>.Empty;

    public void Record(HttpContext context, GatewayRequestFeature feature)
    {
        writer.Record(new AuditEvent
        {
            Time = time.GetUtcNow(),
            RequestId = feature.RequestId,
            Consumer = feature.Consumer?.Name,
            Route = feature.Route?.Name,
            Model = feature.Model,
            Decision = feature.Decision.Name(),
            Rules = feature.Rule is { } rule ? [rule] : [],
            Entities = feature.HasEntities ? new Dictionary<string, int>(feature.Entities, StringComparer.Ordinal) : NoEntities,
            GuardVerdict = feature.GuardVerdict,
            GuardLatencyMs = feature.GuardLatency is { } guard ? guard.TotalMilliseconds : null,
            Status = context.RequestAborted.IsCancellationRequested ? 499 : context.Response.StatusCode,
            UpstreamStatus = feature.UpstreamStatus,
            PromptTokens = feature.Usage?.PromptTokens,
            CompletionTokens = feature.Usage?.CompletionTokens,
            TotalTokens = feature.Usage?.TotalTokens,
            GatewayLatencyMs = time.GetElapsedTime(feature.StartTimestamp).TotalMilliseconds, // the whole request, upstream included
            UpstreamLatencyMs = feature.UpstreamLatency.TotalMilliseconds,
        });
    }
}
