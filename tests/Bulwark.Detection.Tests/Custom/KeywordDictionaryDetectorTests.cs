using Bulwark.Detection.Custom;

namespace Bulwark.Detection.Tests.Custom;

public class KeywordDictionaryDetectorTests
{
    [Fact]
    public void Detect_CaseInsensitiveWholeWords_FindsTerms()
    {
        var detector = new KeywordDictionaryDetector("PROJECT", ["Project Falcon", "Nimbus"]);
        DetectorScan.Values(detector, "Status of project falcon and NIMBUS, not nimbuses or supernimbus.")
            .ShouldBe(["project falcon", "NIMBUS"]);
    }

    [Fact]
    public void Detect_CaseSensitive_IgnoresOtherCase()
    {
        var detector = new KeywordDictionaryDetector("PROJECT", ["Nimbus"], ignoreCase: false);
        DetectorScan.Values(detector, "nimbus Nimbus").ShouldBe(["Nimbus"]);
    }

    [Fact]
    public void Detect_ChineseTermsInsideText_FindsThem()
    {
        var detector = new KeywordDictionaryDetector("CUSTOMER", ["华为", "阿里巴巴集团"]);
        DetectorScan.Values(detector, "我们和阿里巴巴集团以及华为有合作").ShouldBe(["阿里巴巴集团", "华为"]);
    }

    [Fact]
    public void Detect_OverlappingTerms_ReportsEach()
    {
        var detector = new KeywordDictionaryDetector("X", ["he", "she", "hers"], wholeWords: false);
        DetectorScan.Values(detector, "ushers").ShouldBe(["she", "he", "hers"]);
    }

    [Fact]
    public void Detect_ContextWordRequired_FindsOnlyNearIt()
    {
        var detector = new KeywordDictionaryDetector("CODENAME", ["Atlas"], contextWords: ["project"], contextWindow: 12);
        DetectorScan.Values(detector, "project Atlas is late. The Atlas mountains are far away from any of that.")
            .ShouldBe(["Atlas"]);
    }

    [Fact]
    public void Detect_FiftyThousandTerms_FindsPlantedTermsOnly()
    {
        var terms = Enumerable.Range(0, 50_000).Select(i => $"cust{i:D5}x").ToList();
        terms.Add("客户甲乙丙");
        var detector = new KeywordDictionaryDetector("CUSTOMER", terms);
        var filler = string.Concat(Enumerable.Repeat("The quarterly review covers customers in every region. 季度回顾。", 2000));
        var text = filler + " cust49999X " + filler + "客户甲乙丙" + " cust50000x";
        DetectorScan.Values(detector, text).ShouldBe(["cust49999X", "客户甲乙丙"]);
    }
}
