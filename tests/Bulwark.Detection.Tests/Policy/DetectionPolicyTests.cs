using Bulwark.Detection.Policy;

namespace Bulwark.Detection.Tests.Policy;

public class DetectionPolicyTests
{
    private static readonly DetectionPolicy Sample = new(
        request: new Dictionary<string, EntityRule>
        {
            [EntityTypes.EmailAddress] = EntityRule.Redact(RedactionOperator.Pseudonymize),
            [EntityTypes.CreditCard] = EntityRule.Block,
            [EntityTypes.PromptInjection] = new(PolicyAction.Block, Threshold: 0.6),
            [EntityTypes.PhoneNumber] = new(PolicyAction.Redact),
        },
        response: new Dictionary<string, EntityRule>
        {
            [EntityTypes.OpenAiApiKey] = EntityRule.Redact(RedactionOperator.Mask(keep: 4)),
            [EntityTypes.EmailAddress] = EntityRule.Redact(RedactionOperator.Pseudonymize),
        },
        defaultRule: new EntityRule(PolicyAction.Log, Threshold: 0.3));

    [Fact]
    public void Resolve_NamedEntity_ReturnsItsRule()
    {
        var rule = Sample.Resolve(EntityTypes.OpenAiApiKey, Direction.Response);

        rule.Action.ShouldBe(PolicyAction.Redact);
        rule.Operator.ShouldBe(RedactionOperator.Mask(keep: 4));
        Sample.Resolve(EntityTypes.CreditCard, Direction.Request).Action.ShouldBe(PolicyAction.Block);
    }

    [Fact]
    public void Resolve_EntityNamedOnlyInOtherDirection_ReturnsDefaultRule()
    {
        Sample.Resolve(EntityTypes.CreditCard, Direction.Response).Action.ShouldBe(PolicyAction.Log);
        Sample.Resolve(EntityTypes.OpenAiApiKey, Direction.Request).Action.ShouldBe(PolicyAction.Log);
        Sample.Resolve("CUSTOMER_CODE", Direction.Request).Action.ShouldBe(PolicyAction.Log);
    }

    [Fact]
    public void Resolve_ThresholdUnset_InheritsDefaultRuleThreshold()
    {
        Sample.Resolve(EntityTypes.CreditCard, Direction.Request).Threshold.ShouldBe(0.3);
        Sample.Resolve(EntityTypes.PromptInjection, Direction.Request).Threshold.ShouldBe(0.6);
        new DetectionPolicy().Resolve(EntityTypes.CreditCard, Direction.Request).Threshold.ShouldBe(EntityRule.DefaultThreshold);
    }

    [Fact]
    public void Resolve_RedactWithoutOperator_UsesPlaceholder()
    {
        Sample.Resolve(EntityTypes.PhoneNumber, Direction.Request).Operator.Kind.ShouldBe(RedactionKind.Placeholder);
    }

    [Fact]
    public void Resolve_PseudonymizeOnResponse_BecomesPlaceholder()
    {
        Sample.Resolve(EntityTypes.EmailAddress, Direction.Request).Operator.Kind.ShouldBe(RedactionKind.Pseudonymize);
        Sample.Resolve(EntityTypes.EmailAddress, Direction.Response).Operator.Kind.ShouldBe(RedactionKind.Placeholder);
    }

    [Fact]
    public void Resolve_AnyEntity_DoesNotAllocate()
    {
        Sample.Resolve(EntityTypes.EmailAddress, Direction.Request);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Sample.Resolve(EntityTypes.EmailAddress, Direction.Request);
            Sample.Resolve("UNKNOWN_ENTITY", Direction.Response);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }

    [Fact]
    public void Constructor_InvalidRules_ThrowsListingEveryProblem()
    {
        var ex = Should.Throw<ArgumentException>(() => new DetectionPolicy(
            request: new Dictionary<string, EntityRule>
            {
                [EntityTypes.EmailAddress] = new(PolicyAction.Redact, RedactionOperator.Mask(keep: -1)),
                [EntityTypes.PromptInjection] = new(PolicyAction.Block, Threshold: 1.5),
            }));

        ex.Message.ShouldContain("request.EMAIL_ADDRESS.keep");
        ex.Message.ShouldContain("request.PROMPT_INJECTION.threshold");
    }

    [Fact]
    public void UsesHash_HashOperatorPresent_True()
    {
        Sample.UsesHash.ShouldBeFalse();
        new DetectionPolicy(response: new Dictionary<string, EntityRule> { [EntityTypes.Jwt] = EntityRule.Redact(RedactionOperator.Hash) })
            .UsesHash.ShouldBeTrue();
    }

    [Theory]
    [InlineData(EntityTypes.OpenAiApiKey)]
    [InlineData(EntityTypes.AwsAccessKeyId)]
    [InlineData(EntityTypes.PrivateKey)]
    [InlineData(EntityTypes.GenericSecret)]
    public void Default_Credential_BlockedInRequestsRedactedInResponses(string entity)
    {
        DetectionPolicy.Default.Resolve(entity, Direction.Request).Action.ShouldBe(PolicyAction.Block);
        var response = DetectionPolicy.Default.Resolve(entity, Direction.Response);
        response.Action.ShouldBe(PolicyAction.Redact);
        response.Operator.Kind.ShouldBe(RedactionKind.Placeholder);
    }

    [Theory]
    [InlineData(EntityTypes.EmailAddress)]
    [InlineData(EntityTypes.CreditCard)]
    [InlineData(EntityTypes.CnResidentId)]
    public void Default_PersonalData_PseudonymizedInRequestsLoggedInResponses(string entity)
    {
        var request = DetectionPolicy.Default.Resolve(entity, Direction.Request);
        request.Action.ShouldBe(PolicyAction.Redact);
        request.Operator.Kind.ShouldBe(RedactionKind.Pseudonymize);
        DetectionPolicy.Default.Resolve(entity, Direction.Response).Action.ShouldBe(PolicyAction.Log);
    }

    [Fact]
    public void Default_PromptInjection_BlockedAtDefaultThreshold()
    {
        var rule = DetectionPolicy.Default.Resolve(EntityTypes.PromptInjection, Direction.Request);
        rule.Action.ShouldBe(PolicyAction.Block);
        rule.Threshold.ShouldBe(EntityRule.DefaultThreshold);
        DetectionPolicy.Default.Resolve("CUSTOM_CODE_NAME", Direction.Request).Action.ShouldBe(PolicyAction.Log);
        DetectionPolicy.Default.UsesHash.ShouldBeFalse();
    }
}
