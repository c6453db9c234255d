using Bulwark.Detection.Secrets;

namespace Bulwark.Detection.Tests.Secrets;

public sealed class SecretsDetectorTests
{
    private readonly SecretsDetector _detector = new();

    public static TheoryData<SecretSample> TruePositives() => [.. SecretSamples.TruePositives()];

    public static TheoryData<SecretSample> FalsePositives() => [.. SecretSamples.FalsePositives()];

    [Theory]
    [MemberData(nameof(TruePositives))]
    public void Detect_TruePositiveSample_FindsExactlyTheSecret(SecretSample sample)
    {
        var findings = Detect(sample.Text);

        var start = sample.Text.IndexOf(sample.Secret!, StringComparison.Ordinal);
        findings.ShouldHaveSingleItem().ShouldBe(new Finding(sample.Entity!, start, start + sample.Secret!.Length, findings[0].Score, "secrets"));
        findings[0].Score.ShouldBeInRange(0.5, 1.0);
    }

    [Theory]
    [MemberData(nameof(FalsePositives))]
    public void Detect_LookAlikeSample_FindsNothing(SecretSample sample)
    {
        Detect(sample.Text).ShouldBeEmpty();
    }

    [Fact]
    public void Detect_AccessKeyIdWithSecretNearby_FindsBoth()
    {
        var fake = new FakeTokens(7);
        var id = "AKIA" + fake.Upper32(16);
        var secret = fake.From(FakeTokens.Base62Chars + "/+", 38) + "Q7";
        var text = $"id {id}\nsecret {secret}\n";

        var findings = Detect(text);

        findings.Select(f => (f.Entity, text[f.Start..f.End])).ShouldBe(
            [(EntityTypes.AwsAccessKeyId, id), (EntityTypes.AwsSecretAccessKey, secret)], ignoreOrder: true);
    }

    [Fact]
    public void Detect_SeveralSecretsInOneText_FindsEachOnceWithoutOverlap()
    {
        var fake = new FakeTokens(11);
        var gh = fake.WithBase62Crc("ghp_");
        var jwt = fake.Jwt();
        var text = $"token={gh}\nAuthorization: Bearer {jwt}\npostgres://u:Zq8vN3xw@db/app and npm {fake.WithBase62Crc("npm_")}";

        var findings = Detect(text);

        findings.Select(f => f.Entity).ShouldBe([EntityTypes.GitHubToken, EntityTypes.Jwt, EntityTypes.PasswordInUrl, EntityTypes.NpmToken]);
        for (var i = 1; i < findings.Count; i++)
        {
            findings[i].Start.ShouldBeGreaterThanOrEqualTo(findings[i - 1].End);
        }
    }

    [Fact]
    public void Detect_PemBlockWithoutEndLine_ReportsTheBodyWhenItIsSubstantial()
    {
        var fake = new FakeTokens(3);
        var text = "-----BEGIN RSA PRIVATE KEY-----\n" + fake.PemBody(6) + "(pasted until here)";

        var finding = Detect(text).ShouldHaveSingleItem();

        finding.Entity.ShouldBe(EntityTypes.PrivateKey);
        text[finding.Start..finding.End].ShouldEndWith(fake.PemBody(0) + text[(finding.End - 10)..finding.End]);
        text[finding.End..].ShouldStartWith("\n(pasted");
    }

    [Fact]
    public void Detect_AppendsToExistingFindings_KeepsTheCallersItems()
    {
        var findings = new List<Finding> { new(EntityTypes.EmailAddress, 0, 3, 1, "pii") };

        _detector.Detect("a@b " + new FakeTokens(5).WithBase62Crc("ghp_"), findings);

        findings.Count.ShouldBe(2);
        findings[0].Entity.ShouldBe(EntityTypes.EmailAddress);
    }

    [Fact]
    public void Entities_ListsEveryEntityTheSamplesExpect()
    {
        var expected = SecretSamples.TruePositives().Select(s => s.Entity!).Distinct();

        _detector.Entities.ShouldBeSubsetOf(typeof(EntityTypes).GetFields().Select(f => (string)f.GetValue(null)!));
        expected.ShouldBeSubsetOf(_detector.Entities);
    }

    [Fact]
    public void Detect_EveryTokenRule_HasATruePositiveSample()
    {
        var sampled = SecretSamples.TruePositives().Select(s => s.Entity).ToHashSet();

        SecretRules.Tokens.Select(r => r.Entity).Distinct().Where(e => !sampled.Contains(e)).ShouldBeEmpty();
    }

    private List<Finding> Detect(string text)
    {
        var findings = new List<Finding>();
        _detector.Detect(text, findings);
        return findings;
    }
}
