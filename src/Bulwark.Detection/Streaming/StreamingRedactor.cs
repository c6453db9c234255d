using System.Runtime.InteropServices;
using System.Text;
using Bulwark.Detection.Policy;
using Bulwark.Detection.Redaction;

namespace Bulwark.Detection.Streaming;

/// <summary>
/// How much of a streamed text <see cref="StreamingRedactor"/> holds back before emitting it.
/// </summary>
/// <remarks>
/// <para>
/// The trade-off is latency against what can be caught. An entity can only be redacted if it is still held when the
/// scanner first recognises it, so the held tail must be at least as long as the longest entity that should be caught
/// when split across deltas, plus whatever following text the detector needs to decide. Every held character is
/// also a character the client sees later: with the defaults, the first 256 characters (about 60 tokens, well under a
/// second at usual generation speeds) arrive as one burst, and from then on output trails the model by 256
/// characters.
/// </para>
/// <para>
/// On top of <see cref="Holdback"/>, the redactor never cuts inside a whitespace-free run (a token still being
/// written: an email, a key, a JWT, a URL) and never inside a recognised entity, as long as the held text stays within
/// <see cref="MaxHoldback"/>. So <c>Holdback = 0</c> is a valid low-latency setting that still catches every entity
/// without spaces, at the cost of entities with spaces split at a space (card or phone numbers written in groups) and
/// multi-line blocks (PEM private keys) whose start has already been released. Raise <see cref="Holdback"/> to cover
/// those (a 4096-bit PEM key is about 3300 characters).
/// </para>
/// </remarks>
public sealed record StreamingRedactorOptions
{
    /// <summary>Characters always held back at the end of the stream-so-far (default 256).</summary>
    public int Holdback { get; init; } = 256;

    /// <summary>
    /// Upper bound on the held text when extending the hold to keep a token or an entity whole (default 4096). Past
    /// it, text is released (with the entity redacted as far as it is known) so memory and latency stay bounded.
    /// </summary>
    public int MaxHoldback { get; init; } = 4096;

    /// <summary>
    /// Characters of already-emitted text kept and rescanned before the held tail, so that detectors needing left
    /// context (a key name before a value, a context word) still see it (default 64).
    /// </summary>
    public int Context { get; init; } = 64;
}

/// <summary>What <see cref="StreamingRedactor"/> lets out after a delta.</summary>
public readonly struct StreamingRedactionResult
{
    private readonly string? _text;
    private readonly IReadOnlyList<string>? _blocked;

    internal StreamingRedactionResult(string text) => _text = text;

    internal StreamingRedactionResult(IReadOnlyList<string> blocked) => _blocked = blocked;

    /// <summary>Text to send to the client now (redacted; possibly empty). Empty when blocked.</summary>
    public string Text => _text ?? string.Empty;

    /// <summary>
    /// True when an entity whose action is <see cref="PolicyAction.Block"/> was seen: send nothing more and end the
    /// stream with an error event naming <see cref="BlockedEntities"/>.
    /// </summary>
    public bool IsBlocked => _blocked is not null;

    /// <summary>The entity types that blocked the stream (never values).</summary>
    public IReadOnlyList<string> BlockedEntities => _blocked ?? [];

    /// <inheritdoc />
    public override string ToString() => IsBlocked ? $"Blocked [{string.Join(", ", BlockedEntities)}]" : $"Text ({Text.Length} chars)";
}

/// <summary>
/// Redacts a streamed text (a model's completion) on the fly: feed it the deltas, send on what it returns. It keeps
/// a bounded tail of the text unreleased and rescans it with every delta that lets text out, so that an entity split
/// across deltas is still caught before any of it leaves; see <see cref="StreamingRedactorOptions"/> for the latency
/// trade-off.
/// </summary>
/// <remarks>
/// One instance per streamed text; not thread-safe. Use the request's <see cref="PseudonymMap"/> so placeholder
/// numbering continues the request's. In a response pipeline, redact first, then restore pseudonyms
/// (<see cref="StreamingRestorer"/>), so restored originals are not redacted again.
/// </remarks>
public sealed class StreamingRedactor
{
    private readonly ITextScanner _scanner;
    private readonly PolicyEvaluator _evaluator;
    private readonly Redactor _redactor;
    private readonly PseudonymMap _map;
    private readonly StreamingRedactorOptions _options;
    private readonly Direction _direction;
    private readonly List<Finding> _findings = [];
    private readonly List<Finding> _candidates = [];
    private readonly List<EntityCount> _counts = [];
    private readonly StringBuilder _output = new();
    private char[] _buffer = new char[512];
    private int _length;
    private int _context;
    private IReadOnlyList<string>? _blocked;

    /// <summary>Creates a redactor for one streamed text.</summary>
    /// <param name="scanner">Finds entities (the gateway's detection engine behind <see cref="ITextScanner"/>).</param>
    /// <param name="evaluator">The route's policy.</param>
    /// <param name="redactor">Applies operators.</param>
    /// <param name="map">The request's placeholders.</param>
    /// <param name="options">Holdback settings; <see langword="null"/> for the defaults.</param>
    /// <param name="direction">Whose rules apply; streams are responses.</param>
    public StreamingRedactor(
        ITextScanner scanner,
        PolicyEvaluator evaluator,
        Redactor redactor,
        PseudonymMap map,
        StreamingRedactorOptions? options = null,
        Direction direction = Direction.Response)
    {
        ArgumentNullException.ThrowIfNull(scanner);
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(redactor);
        ArgumentNullException.ThrowIfNull(map);
        options ??= new StreamingRedactorOptions();
        if (options.Holdback < 0 || options.Context < 0 || options.MaxHoldback < options.Holdback)
        {
            throw new ArgumentException(
                $"Streaming holdback settings are inconsistent (holdback {options.Holdback}, max {options.MaxHoldback}, context {options.Context}); use holdback >= 0, context >= 0 and max >= holdback.",
                nameof(options));
        }

        _scanner = scanner;
        _evaluator = evaluator;
        _redactor = redactor;
        _map = map;
        _options = options;
        _direction = direction;
    }

    /// <summary>Characters received but not yet released.</summary>
    public int PendingLength => _length - _context;

    /// <summary>How many findings have been replaced in released text so far (findings only logged are not counted).</summary>
    public int Redactions { get; private set; }

    /// <summary>Findings that counted so far, per entity type (for logs and audit).</summary>
    public IReadOnlyList<EntityCount> Counts => _counts;

    /// <summary>Takes the next delta; returns what can be sent now, or that the stream must be ended.</summary>
    public StreamingRedactionResult Write(ReadOnlySpan<char> delta)
    {
        if (_blocked is not null)
        {
            return new StreamingRedactionResult(_blocked);
        }

        if (_length + delta.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_length + delta.Length, _buffer.Length * 2));
        }

        delta.CopyTo(_buffer.AsSpan(_length));
        _length += delta.Length;
        return Process(final: false);
    }

    /// <summary>Ends the stream: scans and releases everything still held.</summary>
    public StreamingRedactionResult Flush()
    {
        if (_blocked is not null)
        {
            return new StreamingRedactionResult(_blocked);
        }

        var result = Process(final: true);
        _length = 0;
        _context = 0;
        return result;
    }

    /// <summary>Shows only sizes, never the text.</summary>
    public override string ToString() => $"StreamingRedactor({PendingLength} chars pending{(_blocked is null ? "" : ", blocked")})";

    private StreamingRedactionResult Process(bool final)
    {
        ReadOnlySpan<char> text = _buffer.AsSpan(0, _length);

        // While everything pending is held anyway (shorter than the holdback, or one token still being written), a
        // scan could not release anything: a finding moves the cut only when it starts before the cut, and none starts
        // inside the released context. Rescanning that text for each small delta cost most of a stream's time. The
        // write that first releases text, or the flush, scans all of it, so nothing leaves unscanned; a blocking entity
        // is reported by that write rather than by the one that completed it.
        if (!final && HeldCut(text) == _context)
        {
            return new StreamingRedactionResult(string.Empty);
        }

        _findings.Clear();
        _candidates.Clear();
        _scanner.Scan(text, _findings);

        // Findings wholly inside the already-released context were dealt with before. One reaching into the pending
        // text (it grew with the new delta) is redacted from where the released text ends.
        int w = 0;
        var all = CollectionsMarshal.AsSpan(_findings);
        for (int i = 0; i < all.Length; i++)
        {
            var f = all[i];
            if (f.End <= _context || f.Start >= _length || f.End > _length)
            {
                continue;
            }

            all[w++] = f;
            _candidates.Add(f.Start < _context ? f with { Start = _context } : f);
        }

        _findings.RemoveRange(w, _findings.Count - w);
        var verdict = _evaluator.Evaluate(_candidates, _direction);
        if (verdict.IsBlocked)
        {
            Count(_length);
            _blocked = verdict.BlockedEntities;
            return new StreamingRedactionResult(_blocked);
        }

        var redactions = verdict.Redactions;
        int cut = final ? _length : ChooseCut(text, redactions);
        int apply = 0;
        while (apply < redactions.Count && redactions[apply].Finding.Start < cut)
        {
            apply++;
        }

        Count(cut);
        _output.Clear();
        _redactor.Redact(text[_context..cut], _context, redactions, apply, _map, _output);
        Redactions += apply;

        // Keep the last Context released characters (raw) in front of the pending text for the next scan.
        int keepFrom = Math.Max(0, cut - _options.Context);
        Array.Copy(_buffer, keepFrom, _buffer, 0, _length - keepFrom);
        _length -= keepFrom;
        _context = cut - keepFrom;
        return new StreamingRedactionResult(_output.ToString());
    }

    private int ChooseCut(ReadOnlySpan<char> text, IReadOnlyList<FindingRedaction> redactions)
    {
        int length = text.Length;
        int cut = HeldCut(text);

        // Do not release half of an entity: hold it whole while it may still grow, redact what is known past the bound.
        foreach (var (finding, _) in redactions)
        {
            if (finding.Start < cut && finding.End > cut)
            {
                cut = length - finding.Start <= _options.MaxHoldback ? finding.Start : finding.End;
                break;
            }
        }

        return cut;
    }

    /// <summary>Where the holdback and the token being written allow a cut, before findings are known.</summary>
    private int HeldCut(ReadOnlySpan<char> text)
    {
        int length = text.Length;
        int cut = Math.Max(_context, length - _options.Holdback);

        // Do not release half of a token still being written (the last one always is): hold from its start.
        if (cut > _context && !char.IsWhiteSpace(text[cut - 1]) && (cut == length || !char.IsWhiteSpace(text[cut])))
        {
            int space = text[_context..cut].LastIndexOfAnyWhiteSpace();
            int runStart = space < 0 ? _context : _context + space + 1;
            if (length - runStart <= _options.MaxHoldback)
            {
                cut = runStart;
            }
        }

        return cut;
    }

    private void Count(int cut)
    {
        // _findings holds the unclipped findings; those starting in the released context were counted already.
        foreach (var f in _findings)
        {
            if (f.Start < _context || f.Start >= cut)
            {
                continue;
            }

            var rule = _evaluator.Policy.Resolve(f.Entity, _direction);
            if (f.Score >= rule.Threshold)
            {
                Increment(f.Entity);
            }
        }
    }

    private void Increment(string entity)
    {
        var span = CollectionsMarshal.AsSpan(_counts);
        for (int i = 0; i < span.Length; i++)
        {
            if (string.Equals(span[i].Entity, entity, StringComparison.Ordinal))
            {
                span[i] = span[i] with { Count = span[i].Count + 1 };
                return;
            }
        }

        _counts.Add(new EntityCount(entity, 1));
    }
}

internal static class WhiteSpaceSpanExtensions
{
    public static int LastIndexOfAnyWhiteSpace(this ReadOnlySpan<char> text)
    {
        for (int i = text.Length - 1; i >= 0; i--)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
