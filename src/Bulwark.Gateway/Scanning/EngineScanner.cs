using Bulwark.Detection;
using Bulwark.Detection.Engine;
using Bulwark.Detection.Streaming;

namespace Bulwark.Gateway.Scanning;

/// <summary>The detection engine behind the streaming redactor's scanner interface.</summary>
internal sealed class EngineScanner(DetectionEngine engine) : ITextScanner
{
    public void Scan(ReadOnlySpan<char> text, List<Finding> findings) => engine.Scan(text, findings);
}
