using Bulwark.Detection.Validation;
using FsCheck;
using FsCheck.Fluent;

namespace Bulwark.Detection.Tests.Validation;

public class LuhnTests
{
    private static readonly Gen<string> Payloads =
        Gen.Choose(11, 18).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 9), n)).Select(d => string.Concat(d));

    [Theory]
    [InlineData("4111111111111111")]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("3782-822463-10005")]
    [InlineData("6219093786579754328")]
    public void IsValid_KnownGoodNumbers_ReturnsTrue(string number) => Luhn.IsValid(number).ShouldBeTrue();

    [Theory]
    [InlineData("4111111111111112")]
    [InlineData("1234567812345678")]
    [InlineData("4111x111")]
    [InlineData("0")]
    [InlineData("")]
    public void IsValid_BadNumbers_ReturnsFalse(string number) => Luhn.IsValid(number).ShouldBeFalse();

    [Fact]
    public void ComputeCheckDigit_AnyPayload_MakesAValidNumber() =>
        Prop.ForAll(Payloads.ToArbitrary(), p => Luhn.IsValid(p + Luhn.ComputeCheckDigit(p))).QuickCheckThrowOnFailure();

    [Fact]
    public void IsValid_OneDigitChanged_ReturnsFalse()
    {
        var cases = Payloads.SelectMany(p => Gen.Zip(Gen.Choose(0, p.Length), Gen.Choose(1, 9)), (p, change) => (p, change.Item1, change.Item2));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var valid = (c.p + Luhn.ComputeCheckDigit(c.p)).ToCharArray();
            valid[c.Item2] = (char)('0' + ((valid[c.Item2] - '0' + c.Item3) % 10));
            return !Luhn.IsValid(valid);
        }).QuickCheckThrowOnFailure();
    }
}
