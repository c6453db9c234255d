namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// Sees the upstream's response body as it is relayed, chunk by chunk, without changing it. The usage extractor uses
/// it to count tokens. It must be cheap and must not throw: it runs on the relay loop between a read and a write.
/// </summary>
internal interface IResponseBodyObserver
{
    /// <summary>Called once before the first chunk.</summary>
    void OnStart(bool isEventStream);

    /// <summary>Called with each chunk read from the upstream, before it is written to the client.</summary>
    void OnData(ReadOnlySpan<byte> chunk);
}
