namespace Bulwark.FunctionalTests;

/// <summary>The real <c>bulwark</c> executable: exit codes CI gates on.</summary>
public sealed class CliProcessTests
{
    [Theory]
    [InlineData("scan", "--min-score", "abc")]
    [InlineData("scan", "--no-such-option")]
    [InlineData("no-such-verb")]
    public async Task UsageError_ExitsWithTwo_NotWithTheFindingsCode(params string[] args)
    {
        var (exitCode, _, stderr) = await ForwardingTests.RunCliAsync(args, TimeSpan.FromSeconds(60), stdin: string.Empty);

        exitCode.ShouldBe(2);
        stderr.ShouldContain("bulwark:");
    }

    [Fact]
    public async Task Scan_StdinWithACredential_ExitsOneAndNeverPrintsTheValue()
    {
        const string Key = "AKIAZ7VRSQ4TLMH3BQ5P";

        var (exitCode, stdout, _) = await ForwardingTests.RunCliAsync(["scan", "--format", "jsonl"], TimeSpan.FromSeconds(60), stdin: $"deploy with {Key} today\n");

        exitCode.ShouldBe(1);
        stdout.ShouldContain("AWS_ACCESS_KEY_ID");
        stdout.ShouldNotContain(Key);
    }

    [Fact]
    public async Task Scan_CleanStdin_ExitsZero()
    {
        var (exitCode, _, _) = await ForwardingTests.RunCliAsync(["scan"], TimeSpan.FromSeconds(60), stdin: "a perfectly ordinary sentence\n");

        exitCode.ShouldBe(0);
    }
}
