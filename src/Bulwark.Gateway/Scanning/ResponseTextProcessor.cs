using Bulwark.Detection;
using Bulwark.Detection.Policy;
using Bulwark.Detection.Redaction;
using Bulwark.Detection.Streaming;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Pipeline;

namespace Bulwark.Gateway.Scanning;

/// <summary>
/// Per request, what happens to text coming back from the model: redact or block by the route's response rules, then
/// restore the request's pseudonyms. Redaction runs first so a restored value (the user's own) is never redacted.
/// </summary>
internal sealed class ResponseTextProcessor
{
    private readonly RouteDetection? _detection;
    private readonly GatewayRequestFeature _feature;
    private PseudonymMap? _map; // the request's, or one of its own once a response rule hands out placeholders
    private readonly EngineScanner? _scanner;
    private readonly List<Finding> _findings = [];

    private ResponseTextProcessor(RouteDetection? detection, GatewayRequestFeature feature)
    {
        _detection = detection;
        _map = feature.Pseudonyms;
        _feature = feature;
        _scanner = detection is null ? null : new EngineScanner(detection.ResponseEngine);
    }

    /// <summary>Null when there is nothing to do to this request's response (no response rules, nothing to restore).</summary>
    public static ResponseTextProcessor? Create(RouteConfig route, GatewayRequestFeature feature)
    {
        var detection = route.Detection is { InspectsAnswers: true } d ? d : null;
        var restore = feature.Pseudonyms is { RestorableCount: > 0 };
        return detection is null && !restore ? null : new ResponseTextProcessor(detection, feature);
    }

    public bool Restores => _map is { RestorableCount: > 0 };

    /// <summary>Created on first use: most answers have nothing redacted and nothing to restore.</summary>
    private PseudonymMap Map => _map ??= new PseudonymMap();

    /// <summary>
    /// Whether a response rule replaced text in the answer so far: what makes the request's decision "redacted". Findings
    /// that are only logged, and pseudonyms restored, do not count.
    /// </summary>
    public bool RedactedText { get; private set; }

    /// <summary>The entity types whose response rule blocked, once any has.</summary>
    public List<string>? BlockedEntities { get; private set; }

    /// <summary>Processes a whole text (a non-streamed field). Returns null when it must be blocked.</summary>
    public string? ProcessWhole(string text) => ProcessWhole(text, out var processed, out _) switch
    {
        DeltaOutcome.Unchanged => text,
        DeltaOutcome.Replaced => processed,
        _ => null,
    };

    /// <summary>
    /// Processes a whole text without copying it when nothing changes. Unchanged: send it as it is; Replaced: send
    /// <paramref name="processed"/>; Blocked: end the answer. <paramref name="clean"/> is true when the text had no
    /// finding and nothing to restore, so processing it again would do nothing at all.
    /// </summary>
    public DeltaOutcome ProcessWhole(ReadOnlySpan<char> text, out string processed, out bool clean)
    {
        processed = string.Empty;
        string? replaced = null;
        clean = true;
        if (_detection is not null)
        {
            _findings.Clear();
            _detection.ResponseEngine.Scan(text, _findings);
            if (_findings.Count > 0)
            {
                clean = false;
                var verdict = _detection.Evaluator.Evaluate(_findings, Direction.Response);
                _feature.CountEntities(verdict.Counts);
                if (verdict.IsBlocked)
                {
                    Block(verdict.BlockedEntities);
                    return DeltaOutcome.Blocked;
                }

                if (verdict.Kind == VerdictKind.Redact)
                {
                    replaced = _detection.Redactor.Redact(text.ToString(), verdict.Redactions, Map);
                    RedactedText = true;
                }
            }
        }

        if (Restores && (replaced is null ? text : replaced.AsSpan()).Contains('<'))
        {
            clean = false;
            replaced = PseudonymRestorer.Restore(replaced ?? text.ToString(), Map);
        }

        if (replaced is null || text.SequenceEqual(replaced))
        {
            return DeltaOutcome.Unchanged;
        }

        processed = replaced;
        return DeltaOutcome.Replaced;
    }

    /// <summary>A streaming pipeline for one delta sequence (one choice's content, one tool call's arguments...).</summary>
    public DeltaPipeline CreateStream() => new(this);

    private void Block(IReadOnlyList<string> entities)
    {
        BlockedEntities ??= [];
        foreach (var entity in entities)
        {
            if (!BlockedEntities.Contains(entity))
            {
                BlockedEntities.Add(entity);
            }
        }
    }

    internal enum DeltaOutcome
    {
        Unchanged,
        Replaced,
        Blocked,
    }

    /// <summary>Streamed text: bounded holdback so an entity or placeholder split across deltas is still handled.</summary>
    internal sealed class DeltaPipeline
    {
        private readonly ResponseTextProcessor _owner;
        private readonly StreamingRedactor? _redactor;
        private readonly StreamingRestorer? _restorer;
        private int _countedUpTo;

        public DeltaPipeline(ResponseTextProcessor owner)
        {
            _owner = owner;
            if (owner._detection is { } d)
            {
                _redactor = new StreamingRedactor(owner._scanner!, d.Evaluator, d.Redactor, owner.Map, d.Streaming);
            }

            if (owner.Restores)
            {
                _restorer = new StreamingRestorer(owner.Map);
            }
        }

        /// <summary>Returns the text to send now, or null when the stream must be blocked.</summary>
        public string? Write(string delta) => Write(delta, out var text) switch
        {
            DeltaOutcome.Unchanged => delta,
            DeltaOutcome.Replaced => text,
            _ => null,
        };

        /// <summary>
        /// Takes a delta. Unchanged: send the delta as it is; Replaced: send <paramref name="text"/> instead (text held
        /// back, released, redacted or restored); Blocked: end the stream.
        /// </summary>
        public DeltaOutcome Write(ReadOnlySpan<char> delta, out string text)
        {
            if (_redactor is null)
            {
                if (_restorer is null || _restorer.PassesThrough(delta))
                {
                    text = string.Empty;
                    return DeltaOutcome.Unchanged;
                }

                text = _restorer.Write(delta);
            }
            else
            {
                var redacted = Check(_redactor.Write(delta));
                if (redacted is null)
                {
                    text = string.Empty;
                    return DeltaOutcome.Blocked;
                }

                text = _restorer is null || _restorer.PassesThrough(redacted) ? redacted : _restorer.Write(redacted);
            }

            return delta.SequenceEqual(text) ? DeltaOutcome.Unchanged : DeltaOutcome.Replaced;
        }

        public string? Flush()
        {
            var text = _redactor is null ? string.Empty : Check(_redactor.Flush());
            return text is null || _restorer is null ? text : _restorer.Write(text) + _restorer.Flush();
        }

        private string? Check(StreamingRedactionResult result)
        {
            CountNew();
            if (_redactor!.Redactions > 0)
            {
                _owner.RedactedText = true;
            }

            if (result.IsBlocked)
            {
                _owner.Block(result.BlockedEntities);
                return null;
            }

            return result.Text;
        }

        private void CountNew()
        {
            var counts = _redactor!.Counts;
            if (counts.Count == 0)
            {
                return;
            }

            // The redactor keeps running totals: report only what is new since the last call.
            var total = 0;
            foreach (var c in counts)
            {
                total += c.Count;
            }

            if (total > _countedUpTo)
            {
                _owner._feature.SetStreamCounts(this, counts);
                _countedUpTo = total;
            }
        }
    }
}
