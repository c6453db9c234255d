using System.Text;

namespace Bulwark.Detection.Tests;

/// <summary>
/// Generated texts for checking a keyword search against a reference search: keywords with their case changed letter
/// by letter, some cut short or with a letter swapped for a character that case-folds or looks like an ASCII letter,
/// among such characters, ordinary words and random ASCII.
/// </summary>
internal static class KeywordTexts
{
    // Dotless i, long s, Kelvin sign, dotted I, sharp s, Cyrillic and Greek look-alikes, fullwidth a, next to CJK,
    // accented Latin and plain ASCII.
    public const string Tricky = "ıſKİßаеоіΑΟａ忽略指令ÜüéÉ \t-_:";

    public static IEnumerable<string> Generate(IReadOnlyList<string> keywords, int seed, int count)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (int round = 0; round < count; round++)
        {
            text.Clear();
            int pieces = random.Next(1, 8);
            for (int piece = 0; piece < pieces; piece++)
            {
                switch (random.Next(5))
                {
                    case 0:
                        string keyword = keywords[random.Next(keywords.Count)];
                        int cut = random.Next(4) == 0 ? random.Next(keyword.Length) : keyword.Length;
                        int swap = random.Next(4) == 0 ? random.Next(keyword.Length) : -1;
                        for (int i = 0; i < cut; i++)
                        {
                            char c = keyword[i];
                            text.Append(i == swap ? Tricky[random.Next(Tricky.Length)]
                                : random.Next(2) == 0 ? char.ToUpperInvariant(c) : c);
                        }

                        break;
                    case 1:
                        text.Append(Tricky[random.Next(Tricky.Length)]);
                        break;
                    case 2:
                        text.Append("the order shipped ");
                        break;
                    default:
                        text.Append((char)random.Next(0x20, 0x7F));
                        break;
                }
            }

            yield return text.ToString();
        }
    }
}
