using Bulwark.Detection.Injection;
using FsCheck;
using FsCheck.Fluent;

namespace Bulwark.Detection.Tests.Injection;

public sealed class PayloadRunTests
{
    [Fact]
    public void NextLongRun_AnyText_FindsExactlyTheRunsACharByCharScanFinds()
    {
        // Texts over a small alphabet of base64 and separator characters, with long runs likely.
        Gen<string> texts = Gen.Elements('a', 'Z', '0', '+', '=', ' ', '.', '\n')
            .ArrayOf()
            .Select(chars => new string(chars) + new string('q', chars.Length % 40));
        Prop.ForAll(texts.ToArbitrary(), text => Runs(text).SequenceEqual(NaiveRuns(text))).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("short words only, nothing encoded here at all", 0)]
    [InlineData("payload aWdub3JlIHByZXZpb3VzIGluc3RydWN0aW9ucw== end", 1)]
    [InlineData("aWdub3JlIHByZXZpb3VzIGluc3RydWN0aW9ucw== and 69676e6f72652070726576696f757320696e737472", 2)]
    public void NextLongRun_Samples_CountsLongRuns(string text, int expected)
    {
        Runs(text).Count.ShouldBe(expected);
    }

    private static List<(int Start, int End)> Runs(string text)
    {
        var runs = new List<(int, int)>();
        int position = 0;
        while (PayloadDecoder.NextLongRun(text, ref position, out int start))
        {
            runs.Add((start, position));
        }

        return runs;
    }

    private static List<(int Start, int End)> NaiveRuns(string text)
    {
        var runs = new List<(int, int)>();
        int i = 0;
        while (i < text.Length)
        {
            if (!PayloadDecoder.IsBase64Char(text[i]))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < text.Length && PayloadDecoder.IsBase64Char(text[i]))
            {
                i++;
            }

            if (i - start >= PayloadDecoder.MinBase64Run)
            {
                runs.Add((start, i));
            }
        }

        return runs;
    }
}
