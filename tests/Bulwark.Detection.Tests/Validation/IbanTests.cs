using Bulwark.Detection.Validation;
using FsCheck;
using FsCheck.Fluent;

namespace Bulwark.Detection.Tests.Validation;

public class IbanTests
{
    [Theory]
    [InlineData("DE89370400440532013000")]
    [InlineData("GB82 WEST 1234 5698 7654 32")]
    [InlineData("FR1420041010050500013M02606")]
    [InlineData("nl91abna0417164300")]
    public void IsValid_ValidIbans_ReturnsTrue(string iban) => Iban.IsValid(iban).ShouldBeTrue();

    [Theory]
    [InlineData("DE89370400440532013001")]
    [InlineData("DE8937040044053201300")]
    [InlineData("XX89370400440532013000")]
    [InlineData("GB82-WEST-1234-5698-7654-32")]
    public void IsValid_InvalidIbans_ReturnsFalse(string iban) => Iban.IsValid(iban).ShouldBeFalse();

    [Fact]
    public void IsValid_OneDigitChanged_ReturnsFalse()
    {
        const string valid = "DE89370400440532013000";
        var cases = Gen.Zip(Gen.Choose(2, valid.Length - 1), Gen.Choose(1, 9));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var changed = valid.ToCharArray();
            changed[c.Item1] = (char)('0' + ((changed[c.Item1] - '0' + c.Item2) % 10));
            return !Iban.IsValid(changed);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void IsValid_CheckDigitsComputedForAnyGermanAccount_ReturnsTrue()
    {
        var accounts = Gen.ArrayOf(Gen.Choose(0, 9), 18).Select(d => string.Concat(d));
        Prop.ForAll(accounts.ToArbitrary(), bban =>
        {
            var check = 98 - Iban.Mod97("DE00" + bban);
            return Iban.IsValid($"DE{check:D2}{bban}");
        }).QuickCheckThrowOnFailure();
    }
}
