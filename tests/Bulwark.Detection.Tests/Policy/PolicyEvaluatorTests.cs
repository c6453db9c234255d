using Bulwark.Detection.Policy;

namespace Bulwark.Detection.Tests.Policy;

public class PolicyEvaluatorTests
{
    private static readonly PolicyEvaluator Evaluator = new(new DetectionPolicy(
        request: new Dictionary<string, EntityRule>
        {
            [EntityTypes.EmailAddress] = EntityRule.Redact(RedactionOperator.Pseudonymize),
            [EntityTypes.PhoneNumber] = EntityRule.Redact(RedactionOperator.Mask(2)),
            [EntityTypes.CreditCard] = EntityRule.Block,
            [EntityTypes.PromptInjection] = new(PolicyAction.Block, Threshold: 0.6),
        },
        response: new Dictionary<string, EntityRule>
        {
            [EntityTypes.CreditCard] = EntityRule.Redact(RedactionOperator.Placeholder),
        }));

    private static Finding F(string entity, int start, int end, double score = 0.9) => new(entity, start, end, score, "test");

    [Fact]
    public void Evaluate_NoFindings_AllowsWithNothingCounted()
    {
        var verdict = Evaluator.Evaluate((Finding[])[], Direction.Request);

        verdict.Kind.ShouldBe(VerdictKind.Allow);
        verdict.Counts.ShouldBeEmpty();
        verdict.Redactions.ShouldBeEmpty();
        verdict.BlockedEntities.ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_BlockAndRedactFindings_BlockWinsNamingOnlyBlockingTypes()
    {
        List<Finding> findings = [F(EntityTypes.EmailAddress, 0, 5), F(EntityTypes.CreditCard, 10, 26), F(EntityTypes.CreditCard, 30, 46)];

        var verdict = Evaluator.Evaluate(findings, Direction.Request);

        verdict.Kind.ShouldBe(VerdictKind.Block);
        verdict.BlockedEntities.ShouldBe([EntityTypes.CreditCard]);
        verdict.Counts.ShouldBe([new EntityCount(EntityTypes.EmailAddress, 1), new EntityCount(EntityTypes.CreditCard, 2)]);
    }

    [Fact]
    public void Evaluate_RedactAndLogFindings_RedactsOnlyRedactFindings()
    {
        List<Finding> findings = [F(EntityTypes.IpAddress, 0, 7), F(EntityTypes.EmailAddress, 10, 20)];

        var verdict = Evaluator.Evaluate(findings, Direction.Request);

        verdict.Kind.ShouldBe(VerdictKind.Redact);
        verdict.Redactions.ShouldBe([new FindingRedaction(findings[1], RedactionOperator.Pseudonymize)]);
        verdict.Counts.ShouldBe([new EntityCount(EntityTypes.IpAddress, 1), new EntityCount(EntityTypes.EmailAddress, 1)]);
    }

    [Fact]
    public void Evaluate_OnlyLogFindings_AllowsAndCounts()
    {
        var verdict = Evaluator.Evaluate((Finding[])[F(EntityTypes.IpAddress, 0, 7), F(EntityTypes.IpAddress, 9, 16)], Direction.Request);

        verdict.Kind.ShouldBe(VerdictKind.Allow);
        verdict.Counts.ShouldBe([new EntityCount(EntityTypes.IpAddress, 2)]);
    }

    [Fact]
    public void Evaluate_ScoreBelowThreshold_Ignored()
    {
        Evaluator.Evaluate((Finding[])[F(EntityTypes.PromptInjection, 0, 30, score: 0.59)], Direction.Request).Kind.ShouldBe(VerdictKind.Allow);
        Evaluator.Evaluate((Finding[])[F(EntityTypes.PromptInjection, 0, 30, score: 0.59)], Direction.Request).Counts.ShouldBeEmpty();
        Evaluator.Evaluate((Finding[])[F(EntityTypes.PromptInjection, 0, 30, score: 0.6)], Direction.Request).Kind.ShouldBe(VerdictKind.Block);
        Evaluator.Evaluate((Finding[])[F(EntityTypes.EmailAddress, 0, 5, score: 0.4)], Direction.Request).Kind.ShouldBe(VerdictKind.Allow);
    }

    [Fact]
    public void Evaluate_BlockBelowThresholdWithRedact_Redacts()
    {
        var verdict = Evaluator.Evaluate((Finding[])[F(EntityTypes.PromptInjection, 0, 30, score: 0.5), F(EntityTypes.PhoneNumber, 40, 50)], Direction.Request);

        verdict.Kind.ShouldBe(VerdictKind.Redact);
        verdict.Redactions.Count.ShouldBe(1);
        verdict.Redactions[0].Operator.ShouldBe(RedactionOperator.Mask(2));
    }

    [Fact]
    public void Evaluate_SameFindingOtherDirection_UsesThatDirectionsRule()
    {
        List<Finding> findings = [F(EntityTypes.CreditCard, 0, 16)];

        Evaluator.Evaluate(findings, Direction.Request).Kind.ShouldBe(VerdictKind.Block);
        Evaluator.Evaluate(findings, Direction.Response).Kind.ShouldBe(VerdictKind.Redact);
    }

    [Fact]
    public void Evaluate_UnsortedOverlappingRedactions_SortedWithOverlapsDropped()
    {
        List<Finding> findings = [F(EntityTypes.PhoneNumber, 20, 30), F(EntityTypes.EmailAddress, 0, 10), F(EntityTypes.PhoneNumber, 5, 12), F(EntityTypes.EmailAddress, 0, 8)];

        var verdict = Evaluator.Evaluate(findings, Direction.Request);

        verdict.Redactions.Select(r => (r.Finding.Start, r.Finding.End)).ShouldBe([(0, 10), (20, 30)]);
        findings[0].Start.ShouldBe(20); // the caller's list is left as it was
    }

    [Fact]
    public void ToString_BlockVerdict_NamesEntityTypesOnly()
    {
        var verdict = Evaluator.Evaluate((Finding[])[F(EntityTypes.CreditCard, 0, 16)], Direction.Request);

        verdict.ToString().ShouldBe("Block [CREDIT_CARD]");
    }
}
