using System.Security.Cryptography;
using System.Text;
using Bulwark.Detection.Policy;
using Bulwark.Detection.Redaction;

namespace Bulwark.Detection.Tests.Redaction;

public class RedactorTests
{
    private const string Salt = "0123456789abcdef-test-salt";

    private static string RedactEmails(string text, RedactionOperator op, PseudonymMap map, Redactor? redactor = null)
    {
        var redactions = RegexDetector.Email.Find(text).Select(f => new FindingRedaction(f, op)).ToArray();
        return (redactor ?? new Redactor()).Redact(text, redactions, map);
    }

    [Fact]
    public void Redact_MaskKeepFour_KeepsLastFourCharacters()
    {
        const string text = "key sk-abcdefghijklmnopqrstuvwx end";
        var finding = RegexDetector.OpenAiKey.Find(text).ShouldHaveSingleItem();

        var result = new Redactor().Redact(text, [new FindingRedaction(finding, RedactionOperator.Mask(keep: 4))], new PseudonymMap());

        result.ShouldBe("key " + new string('*', finding.Length - 4) + "uvwx end");
    }

    [Fact]
    public void Redact_MaskCustomChar_UsesIt()
    {
        RedactEmails("to a@b.io", RedactionOperator.Mask(keep: 2, maskChar: '#'), new PseudonymMap()).ShouldBe("to ####io");
    }

    [Fact]
    public void Redact_MaskKeepingWholeValue_MasksEverything()
    {
        RedactEmails("to a@b.io", RedactionOperator.Mask(keep: 6), new PseudonymMap()).ShouldBe("to ******");
    }

    [Fact]
    public void Redact_Placeholder_NumbersPerEntityType()
    {
        const string text = "a@x.io, b@x.io and sk-abcdefghijklmnopqrstuvwx";
        var findings = RegexDetector.Email.Find(text).Concat(RegexDetector.OpenAiKey.Find(text))
            .Select(f => new FindingRedaction(f, RedactionOperator.Placeholder)).ToArray();

        var result = new Redactor().Redact(text, findings, new PseudonymMap());

        result.ShouldBe("<EMAIL_ADDRESS_1>, <EMAIL_ADDRESS_2> and <OPENAI_API_KEY_1>");
    }

    [Fact]
    public void Redact_SameValueAcrossTextsOfARequest_SamePlaceholder()
    {
        var map = new PseudonymMap();

        var first = RedactEmails("mail bob@corp.com or amy@corp.com", RedactionOperator.Pseudonymize, map);
        var second = RedactEmails("tool args: {\"to\": \"amy@corp.com\", \"cc\": \"bob@corp.com\"}", RedactionOperator.Pseudonymize, map);

        first.ShouldBe("mail <EMAIL_ADDRESS_1> or <EMAIL_ADDRESS_2>");
        second.ShouldBe("tool args: {\"to\": \"<EMAIL_ADDRESS_2>\", \"cc\": \"<EMAIL_ADDRESS_1>\"}");
        map.Count.ShouldBe(2);
    }

    [Fact]
    public void Redact_NewRequest_NumberingStartsAgain()
    {
        RedactEmails("x amy@corp.com", RedactionOperator.Placeholder, new PseudonymMap()).ShouldBe("x <EMAIL_ADDRESS_1>");
        var map = new PseudonymMap();
        RedactEmails("x bob@corp.com", RedactionOperator.Placeholder, map);
        RedactEmails("x amy@corp.com", RedactionOperator.Placeholder, map).ShouldBe("x <EMAIL_ADDRESS_2>");
    }

    [Fact]
    public void Redact_Hash_IsTruncatedHmacOfTheValue()
    {
        var redactor = new Redactor(HashKey.FromString(Salt));

        var result = RedactEmails("to bob@corp.com.", RedactionOperator.Hash, new PseudonymMap(), redactor);

        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Salt), Encoding.UTF8.GetBytes("bob@corp.com"));
        result.ShouldBe($"to <EMAIL_ADDRESS:{Convert.ToHexStringLower(mac, 0, 4)}>.");
    }

    [Fact]
    public void Redact_HashWithOtherSalt_ChangesOutput()
    {
        var one = RedactEmails("bob@corp.com", RedactionOperator.Hash, new PseudonymMap(), new Redactor(HashKey.FromString(Salt)));
        var same = RedactEmails("bob@corp.com", RedactionOperator.Hash, new PseudonymMap(), new Redactor(HashKey.FromString(Salt)));
        var other = RedactEmails("bob@corp.com", RedactionOperator.Hash, new PseudonymMap(), new Redactor(HashKey.FromString(Salt + "2")));
        var otherValue = RedactEmails("amy@corp.com", RedactionOperator.Hash, new PseudonymMap(), new Redactor(HashKey.FromString(Salt)));

        one.ShouldMatch("^<EMAIL_ADDRESS:[0-9a-f]{8}>$");
        same.ShouldBe(one);
        other.ShouldNotBe(one);
        otherValue.ShouldNotBe(one);
    }

    [Fact]
    public void Redact_HashWithoutSalt_ThrowsNamingTheFix()
    {
        var ex = Should.Throw<InvalidOperationException>(() => RedactEmails("bob@corp.com", RedactionOperator.Hash, new PseudonymMap()));

        ex.Message.ShouldContain("hash_salt");
    }

    [Fact]
    public void HashKey_TooShort_Throws()
    {
        Should.Throw<ArgumentException>(() => HashKey.FromString("short"));
    }

    [Fact]
    public void Redact_PseudonymizeAndPlaceholder_OnlyPseudonymRestorable()
    {
        var map = new PseudonymMap();
        RedactEmails("a@x.io", RedactionOperator.Placeholder, map);
        RedactEmails("b@x.io", RedactionOperator.Pseudonymize, map);

        map.TryGetOriginal("<EMAIL_ADDRESS_1>", out _).ShouldBeFalse();
        map.TryGetOriginal("<EMAIL_ADDRESS_2>", out var original).ShouldBeTrue();
        original.ShouldBe("b@x.io");
        map.RestorableCount.ShouldBe(1);
        map.MaxPlaceholderLength.ShouldBe("<EMAIL_ADDRESS_2>".Length);
    }

    [Fact]
    public void Redact_NoRedactions_ReturnsSameInstance()
    {
        const string text = "nothing here";

        new Redactor().Redact(text, [], new PseudonymMap()).ShouldBeSameAs(text);
    }

    [Fact]
    public void Redact_OverlappingRedactions_Throws()
    {
        FindingRedaction[] redactions =
        [
            new(new Finding(EntityTypes.EmailAddress, 0, 5, 1, "t"), RedactionOperator.Placeholder),
            new(new Finding(EntityTypes.EmailAddress, 3, 8, 1, "t"), RedactionOperator.Placeholder),
        ];

        Should.Throw<ArgumentException>(() => new Redactor().Redact("0123456789", redactions, new PseudonymMap()));
    }

    [Fact]
    public void DetectEvaluateRedact_RequestWithEmailAndPhone_RedactsPerPolicy()
    {
        const string text = "Write to jane.roe@example.org about the invoice.";
        var verdict = new PolicyEvaluator(DetectionPolicy.Default).Evaluate(RegexDetector.Email.Find(text), Direction.Request);
        var map = new PseudonymMap();

        var redacted = new Redactor().Redact(text, verdict.Redactions, map);

        verdict.Kind.ShouldBe(VerdictKind.Redact);
        redacted.ShouldBe("Write to <EMAIL_ADDRESS_1> about the invoice.");
        PseudonymRestorer.Restore("I wrote to <EMAIL_ADDRESS_1>.", map).ShouldBe("I wrote to jane.roe@example.org.");
    }

    [Fact]
    public void ToString_MapAndKey_NeverRevealValues()
    {
        var map = new PseudonymMap();
        RedactEmails("secret.person@example.org", RedactionOperator.Pseudonymize, map);
        var key = HashKey.FromString(Salt);

        map.ToString().ShouldBe("PseudonymMap(1 placeholders, 1 restorable)");
        map.ToString().ShouldNotContain("secret.person");
        key.ToString().ShouldNotContain(Salt);
    }
}
