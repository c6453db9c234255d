using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Bulwark.Detection.Engine;
using Bulwark.Detection.Injection;
using Bulwark.Detection.Secrets;

namespace Bulwark.Benchmarks;

/// <summary>
/// The two anchor searches every clean text pays for, each as <c>SearchValues&lt;string&gt;</c> (ordinal ignore-case,
/// which is .NET's Aho–Corasick at these sizes) and as <see cref="AsciiKeywordSearch"/>: the injection prefilter's ASCII
/// keywords (does the text hold one?) and the secret rules' anchors (where is each one? as the secret scan asks, from
/// one anchor to the next: short anchors like "sk" and "key" occur in ordinary words). Texts: the load benchmark's
/// user message (bench/load/requests/chat.json, 229 chars) and ~4 KB of ordinary English support chat; neither holds an
/// injection keyword.
/// </summary>
[MemoryDiagnoser]
public class KeywordSearchBenchmarks
{
    private const string UserMessage =
        "Hi! I ordered two paperbacks last Tuesday and the tracking page still says 'label created'. Could you tell me whether that is normal for standard shipping, and how long I should wait before asking for a replacement? Thanks a lot.";

    private static readonly string[] CleanLines =
    [
        "Hello, I would like to change the delivery address of my order to my office.",
        "Of course. Which address should we use, and is there a floor or a door code?",
        "The parcel arrived damaged; the box was open and one cup was broken in two.",
        "That is a pity. A photo of the box helps us; a new cup goes out this week.",
    ];

    private static readonly string[] InjectionKeywords = [.. InjectionPrefilter.Keywords.Where(k => Ascii.IsValid(k))];
    private static readonly string[] SecretAnchors = [.. SecretRules.Anchors.Select(a => a.Text)];

    private readonly SearchValues<string> _injectionSearchValues = SearchValues.Create(InjectionKeywords, StringComparison.OrdinalIgnoreCase);
    private readonly AsciiKeywordSearch _injectionAutomaton = new(InjectionKeywords);
    private readonly SearchValues<string> _secretSearchValues = SearchValues.Create(SecretAnchors, StringComparison.OrdinalIgnoreCase);
    private readonly AsciiKeywordSearch _secretAutomaton = new(SecretAnchors);
    private string _clean = "";

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder();
        for (int i = 0; text.Length < 4096; i++)
        {
            text.Append(CleanLines[i % CleanLines.Length]).Append(' ');
        }

        _clean = text.ToString();
        string[] held = [.. InjectionKeywords.Where(keyword =>
            UserMessage.Contains(keyword, StringComparison.OrdinalIgnoreCase) || _clean.Contains(keyword, StringComparison.OrdinalIgnoreCase))];
        if (held.Length > 0)
        {
            throw new InvalidOperationException($"The benchmark texts hold the keywords {string.Join(", ", held)}; the benchmark measures the clean path.");
        }
    }

    [Benchmark(Baseline = true, Description = "injection keywords, user message, SearchValues")]
    public bool InjectionUserSearchValues() => UserMessage.AsSpan().IndexOfAny(_injectionSearchValues) >= 0;

    [Benchmark(Description = "injection keywords, user message, automaton")]
    public bool InjectionUserAutomaton() => _injectionAutomaton.ContainsAny(UserMessage);

    [Benchmark(Description = "injection keywords, 4 KB chat, SearchValues")]
    public bool InjectionChatSearchValues() => _clean.AsSpan().IndexOfAny(_injectionSearchValues) >= 0;

    [Benchmark(Description = "injection keywords, 4 KB chat, automaton")]
    public bool InjectionChatAutomaton() => _injectionAutomaton.ContainsAny(_clean);

    [Benchmark(Description = "secret anchors, user message, SearchValues")]
    public int SecretUserSearchValues() => CountAnchors(UserMessage, text => text.IndexOfAny(_secretSearchValues));

    [Benchmark(Description = "secret anchors, user message, automaton")]
    public int SecretUserAutomaton() => CountAnchors(UserMessage, _secretAutomaton.IndexOfAny);

    [Benchmark(Description = "secret anchors, 4 KB chat, SearchValues")]
    public int SecretChatSearchValues() => CountAnchors(_clean, text => text.IndexOfAny(_secretSearchValues));

    [Benchmark(Description = "secret anchors, 4 KB chat, automaton")]
    public int SecretChatAutomaton() => CountAnchors(_clean, _secretAutomaton.IndexOfAny);

    private delegate int Search(ReadOnlySpan<char> text);

    private static int CountAnchors(string text, Search search)
    {
        int count = 0;
        for (int pos = 0; pos < text.Length; )
        {
            int found = search(text.AsSpan(pos));
            if (found < 0)
            {
                break;
            }

            count++;
            pos += found + 1;
        }

        return count;
    }
}
