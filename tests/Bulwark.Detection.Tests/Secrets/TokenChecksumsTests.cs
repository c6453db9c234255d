using Bulwark.Detection.Secrets;
using FsCheck;
using FsCheck.Fluent;

namespace Bulwark.Detection.Tests.Secrets;

public sealed class TokenChecksumsTests
{
    [Fact]
    public void IsValidBase62Crc32_AnyGeneratedToken_IsValid()
    {
        Prop.ForAll<int>(seed =>
        {
            var token = new FakeTokens(seed).WithBase62Crc("ghp_");
            return TokenChecksums.IsValidBase62Crc32(token.AsSpan(4));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void IsValidBase62Crc32_AnySingleCharacterChanged_IsInvalid()
    {
        Prop.ForAll<int, int, int>((seed, position, shift) =>
        {
            var body = new FakeTokens(seed).WithBase62Crc("npm_")[4..].ToCharArray();
            var i = (int)((uint)position % 36);
            var old = FakeTokens.Base62Chars.IndexOf(body[i], StringComparison.Ordinal);
            body[i] = FakeTokens.Base62Chars[(old + 1 + (int)((uint)shift % 61)) % 62];
            return !TokenChecksums.IsValidBase62Crc32(body);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Crc32_KnownVector_MatchesZlib()
    {
        // CRC-32 of "123456789" is the standard check value 0xCBF43926.
        TokenChecksums.Crc32("123456789").ShouldBe(0xCBF43926u);
    }

    [Fact]
    public void IsValidBech32_AnyGeneratedAgeKey_IsValidAndMutationsAreNot()
    {
        Prop.ForAll<int, int>((seed, position) =>
        {
            var key = new FakeTokens(seed).AgeSecretKey();
            var chars = key.ToCharArray();
            var i = "AGE-SECRET-KEY-1".Length + (int)((uint)position % 58);
            chars[i] = chars[i] == 'Q' ? 'P' : 'Q';
            return TokenChecksums.IsValidBech32(key) && !TokenChecksums.IsValidBech32(chars);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void IsValidBech32_Bip173TestVector_IsValid()
    {
        TokenChecksums.IsValidBech32("A12UEL5L").ShouldBeTrue();
        TokenChecksums.IsValidBech32("A12UEL5M").ShouldBeFalse();
    }
}
