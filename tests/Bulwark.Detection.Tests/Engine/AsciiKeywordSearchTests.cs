using System.Buffers;
using System.Text;
using Bulwark.Detection.Engine;
using Bulwark.Detection.Injection;
using Bulwark.Detection.Secrets;

namespace Bulwark.Detection.Tests.Engine;

/// <summary>
/// The dense keyword automaton must answer exactly as <c>SearchValues.Create(keywords, OrdinalIgnoreCase)</c> does:
/// whether a text holds a keyword, and where the first one starts. Checked on hand-picked cases (overlaps, a keyword
/// inside another, a longer keyword starting before a shorter one ends) and on generated texts over the detectors'
/// own keyword lists (<see cref="KeywordTexts"/>).
/// </summary>
public sealed class AsciiKeywordSearchTests
{
    [Theory]
    [InlineData("abc", "xxabcxx", 2)]
    [InlineData("abc", "xxABcxx", 2)]
    [InlineData("abc", "xxabxabc", 5)]
    [InlineData("abc", "ab", -1)]
    [InlineData("abc", "", -1)]
    [InlineData("abc|bcdefgh|cd", "abcdefgh", 0)] // the first to end is "abc"
    [InlineData("bcd|abcdefgh", "xabcdxfgh", 2)] // "bcd" ends first, and the longer one breaks off
    [InlineData("abcdefgh|cd", "xabcdefgh", 1)] // "cd" ends first, but "abcdefgh" starts earlier
    [InlineData("abcdefgh|cd", "xabcdefg", 3)] // the longer one never completes
    [InlineData("aaab|aab", "aaaab", 1)]
    [InlineData("he|she|his|hers", "ushers", 1)]
    [InlineData("sk-|key", "the SK-1 KEY", 4)]
    [InlineData("key", "\u212Aey key", 4)] // the Kelvin sign is not 'k' ordinally
    public void IndexOfAny_Case_MatchesSearchValues(string keywords, string text, int expected)
    {
        string[] words = keywords.Split('|');
        var search = new AsciiKeywordSearch(words);

        search.IndexOfAny(text).ShouldBe(expected);
        search.ContainsAny(text).ShouldBe(expected >= 0);
        text.AsSpan().IndexOfAny(SearchValues.Create(words, StringComparison.OrdinalIgnoreCase)).ShouldBe(expected);
    }

    [Fact]
    public void IndexOfAny_GeneratedTextsOverTheSecretAnchors_MatchesSearchValues() =>
        AgreeOnGeneratedTexts([.. SecretRules.Anchors.Select(anchor => anchor.Text)], seed: 11);

    [Fact]
    public void IndexOfAny_GeneratedTextsOverTheInjectionKeywords_MatchesSearchValues() =>
        AgreeOnGeneratedTexts([.. InjectionPrefilter.Keywords.Where(keyword => Ascii.IsValid(keyword))], seed: 12);

    [Fact]
    public void IndexOfAny_GeneratedTextsOverASmallAlphabet_MatchesSearchValues()
    {
        // Many overlapping keywords over three letters: every failure-link path of the automaton gets exercised.
        var random = new Random(13);
        var keywords = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (keywords.Count < 40)
        {
            keywords.Add(RandomWord(random, "abC", random.Next(1, 7)));
        }

        var search = new AsciiKeywordSearch(keywords);
        var reference = SearchValues.Create([.. keywords], StringComparison.OrdinalIgnoreCase);
        for (int round = 0; round < 20_000; round++)
        {
            string text = RandomWord(random, "aAbBcCx", random.Next(0, 24));
            search.IndexOfAny(text).ShouldBe(text.AsSpan().IndexOfAny(reference), text);
        }
    }

    [Fact]
    public void StateCount_IsTheTriesNodeCount_CaseFolded()
    {
        // root, h, he, her, hers, hi, his, s, sh, she: "HE" and "he" share their nodes.
        new AsciiKeywordSearch(["he", "she", "his", "hers", "HE"]).StateCount.ShouldBe(10);
    }

    [Theory]
    [InlineData("")]
    [InlineData("caf\u00e9")]
    public void Constructor_KeywordThatIsEmptyOrNotAscii_IsRefusedWithItsIndex(string bad)
    {
        var e = Should.Throw<ArgumentException>(() => new AsciiKeywordSearch(["fine", bad]));
        e.Message.ShouldContain("Keyword 1");
    }

    [Fact]
    public void Constructor_NoKeywords_IsRefused() =>
        Should.Throw<ArgumentException>(() => new AsciiKeywordSearch([])).Message.ShouldContain("empty");

    private static void AgreeOnGeneratedTexts(string[] keywords, int seed)
    {
        var search = new AsciiKeywordSearch(keywords);
        var reference = SearchValues.Create(keywords, StringComparison.OrdinalIgnoreCase);
        int found = 0;
        foreach (string sample in KeywordTexts.Generate(keywords, seed, 20_000))
        {
            int expected = sample.AsSpan().IndexOfAny(reference);
            search.IndexOfAny(sample).ShouldBe(expected, sample);
            search.ContainsAny(sample).ShouldBe(expected >= 0, sample);
            found += expected >= 0 ? 1 : 0;
        }

        found.ShouldBeGreaterThan(2_000); // both answers are exercised
        found.ShouldBeLessThan(20_000);
    }

    private static string RandomWord(Random random, string alphabet, int length)
    {
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }
}
