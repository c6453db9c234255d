using Bulwark.Detection.Pii;
using Bulwark.Detection.Validation;
using FsCheck;
using FsCheck.Fluent;

namespace Bulwark.Detection.Tests.Validation;

public class Iso7064Tests
{
    // Generated resident IDs: a province, a real date between 1900 and 2020, a sequence number and the check character.
    internal static readonly Gen<string> ValidCnIds =
        from province in Gen.Elements(11, 12, 31, 44, 51, 62, 65)
        from area in Gen.Choose(0, 9999)
        from day in Gen.Choose(0, 44000)
        from sequence in Gen.Choose(0, 999)
        let payload = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{province:D2}{area:D4}{new DateTime(1900, 1, 1).AddDays(day):yyyyMMdd}{sequence:D3}")
        select payload + Iso7064.Mod11_2CheckChar(payload);

    [Theory]
    [InlineData("11010519491231002X")]
    [InlineData("310115198508154027")]
    public void IsValidMod11_2_PublishedStyleIds_ReturnsTrue(string id) => Iso7064.IsValidMod11_2(id).ShouldBeTrue();

    [Theory]
    [InlineData("110105194912310021")]
    [InlineData("31011519850815402X")]
    [InlineData("X")]
    public void IsValidMod11_2_WrongCheckCharacter_ReturnsFalse(string id) => Iso7064.IsValidMod11_2(id).ShouldBeFalse();

    [Fact]
    public void IsValid18_GeneratedIds_ReturnsTrue() =>
        Prop.ForAll(ValidCnIds.ToArbitrary(), id => CnResidentIdDetector.IsValid18(id)).QuickCheckThrowOnFailure();

    [Fact]
    public void IsValidMod11_2_OneDigitChanged_ReturnsFalse()
    {
        var cases = ValidCnIds.SelectMany(id => Gen.Zip(Gen.Choose(0, 16), Gen.Choose(1, 9)), (id, c) => (id, c.Item1, c.Item2));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var changed = c.id.ToCharArray();
            changed[c.Item2] = (char)('0' + ((changed[c.Item2] - '0' + c.Item3) % 10));
            return !Iso7064.IsValidMod11_2(changed);
        }).QuickCheckThrowOnFailure();
    }
}
