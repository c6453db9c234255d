using System.Globalization;
using System.Text;
using System.Text.Json;
using static Bulwark.Cli.Tests.Commands.ScanHarness;

namespace Bulwark.Cli.Tests.Commands;

public sealed class ScanCommandTests
{
    [Fact]
    public void Scan_StdinWithSecretAndEmail_PrintsLineAndColumnAndExitsOne()
    {
        var second = "my key " + AwsKey + " and mail " + Email;
        var run = Run("hello\n" + second + "\n");

        run.Exit.ShouldBe(ExitCodes.Findings);
        run.StdoutLines.Length.ShouldBe(2);
        run.StdoutLines[0].ShouldStartWith($"-:2:{second.IndexOf(AwsKey, StringComparison.Ordinal) + 1}: AWS_ACCESS_KEY_ID (");
        run.StdoutLines[1].ShouldStartWith($"-:2:{second.IndexOf(Email, StringComparison.Ordinal) + 1}: EMAIL_ADDRESS (");
    }

    [Fact]
    public void Scan_CleanStdin_PrintsNothingAndExitsZero()
    {
        var run = Run("Release 1.2.3 shipped; order 12345 is on its way. Commit 3f2c1a9b8e7d6c5b4a39281706f5e4d3c2b1a098.\n");

        run.Exit.ShouldBe(ExitCodes.Ok);
        run.Stdout.ShouldBeEmpty();
    }

    [Fact]
    public void Scan_DashArgument_ReadsStdin()
    {
        var run = Run("mail " + Email, "-");

        run.Exit.ShouldBe(ExitCodes.Findings);
        run.StdoutLines.ShouldHaveSingleItem().ShouldStartWith("-:1:6: EMAIL_ADDRESS (");
    }

    [Fact]
    public void Scan_Directory_ScansDotfilesAndSkipsBinaryAndVendoredFolders()
    {
        using var dir = new ScratchDirectory();
        dir.Write("a.txt", "mail " + Email + "\n");
        dir.Write("sub/.env", "AWS_ACCESS_KEY_ID=" + AwsKey + "\n");
        dir.Write("node_modules/pkg/readme.md", Email);
        dir.Write(".git/config", Email);
        dir.Write("bin/Debug/out.txt", Email);
        dir.Write("obj/project.assets.json", Email);
        dir.WriteBytes("image.bin", [.. Encoding.UTF8.GetBytes("GIF89a"), 0, .. Encoding.UTF8.GetBytes(Email)]);

        var run = Run(null, dir.Name);

        run.Exit.ShouldBe(ExitCodes.Findings);
        run.StdoutLines.ShouldBe(
        [
            $"{dir.Name}/a.txt:1:6: EMAIL_ADDRESS (pii.email, score 1.00)",
            $"{dir.Name}/sub/.env:1:19: AWS_ACCESS_KEY_ID (secrets, score 0.95)",
        ]);
    }

    [Fact]
    public void Scan_DirectoryFileOverSizeLimit_IsSkippedWithNoteUnlessNamed()
    {
        using var dir = new ScratchDirectory();
        var big = dir.Write("big.txt", "mail " + Email + "\n" + new string('x', 2000) + "\n");

        var walked = Run(null, dir.Name, "--max-file-bytes", "1000");
        var named = Run(null, big, "--max-file-bytes", "1000");

        walked.Exit.ShouldBe(ExitCodes.Ok);
        walked.Stdout.ShouldBeEmpty();
        walked.Stderr.ShouldContain($"skipped {dir.Name}/big.txt");
        walked.Stderr.ShouldContain("--max-file-bytes 1000");
        named.Exit.ShouldBe(ExitCodes.Findings);
        named.Stdout.ShouldContain($"{dir.Name}/big.txt:1:6: EMAIL_ADDRESS");
    }

    [Fact]
    public void Scan_JsonlWithField_PrintsOneLinePerRecordWithOffsetsIntoTheDecodedField()
    {
        // The first body has JSON escapes before the e-mail, so offsets into the raw line would be wrong.
        var body1 = "café\n\"quoted\" write to " + Email + " today";
        var body3 = "key " + AwsKey + ", mail " + Email;
        var input = string.Join('\n',
            JsonSerializer.Serialize(new { id = 1, body = body1 }),
            JsonSerializer.Serialize(new { id = 2, body = "nothing here" }),
            JsonSerializer.Serialize(new { id = 3, body = body3 })) + "\n";

        var run = Run(input, "--jsonl", "--field", "body", "--format", "jsonl");

        run.Exit.ShouldBe(ExitCodes.Findings);
        var lines = run.StdoutLines;
        lines.Length.ShouldBe(3);
        lines[1].ShouldBe("""{"line":2,"findings":[]}""");

        ShouldBeRecord(lines[0], 1, [("EMAIL_ADDRESS", body1.IndexOf(Email, StringComparison.Ordinal), Email.Length)]);
        ShouldBeRecord(lines[2], 3,
        [
            ("AWS_ACCESS_KEY_ID", body3.IndexOf(AwsKey, StringComparison.Ordinal), AwsKey.Length),
            ("EMAIL_ADDRESS", body3.IndexOf(Email, StringComparison.Ordinal), Email.Length),
        ]);
    }

    [Fact]
    public void Scan_JsonlWithBadRecords_ReportsEachOnStderrKeepsScanningAndExitsTwo()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("records.jsonl", string.Join('\n',
            """{"text": "mail jane.doe@fabrikam.net"}""",
            """{"body": "no text field"}""",
            """{"text": "unterminated""",
            """{"text": 42}""",
            """["text"]""",
            """{"text": "key AKIAZ7QW3ERT5YUI2OPA"}""") + "\n");

        var run = Run(null, path, "--format", "jsonl");

        run.Exit.ShouldBe(ExitCodes.Error);
        var relative = $"{dir.Name}/records.jsonl";
        run.Stderr.ShouldContain($"{relative}:2: the record has no field \"text\"");
        run.Stderr.ShouldContain($"{relative}:3: the record is not valid JSON");
        run.Stderr.ShouldContain($"{relative}:4: the field \"text\" is a JSON number, not a string");
        run.Stderr.ShouldContain($"{relative}:5: the record is a JSON array, not an object");

        var records = run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        records.Select(r => r.GetProperty("line").GetInt32()).ShouldBe([1, 2, 3, 4, 5, 6]);
        records.Select(r => r.GetProperty("findings").GetArrayLength()).ShouldBe([1, 0, 0, 0, 0, 1]);
        records.Select(r => r.TryGetProperty("error", out _)).ShouldBe([false, true, true, true, true, false]);
        records[5].GetProperty("findings")[0].GetProperty("entity").GetString().ShouldBe("AWS_ACCESS_KEY_ID");
        records.ShouldAllBe(r => r.GetProperty("path").GetString() == relative);
    }

    [Fact]
    public void Scan_PlainFileAsJsonl_PrintsOneLinePerFileWithLineAndColumn()
    {
        using var dir = new ScratchDirectory();
        dir.Write("a.txt", "one\n  " + Email + "\n");
        dir.Write("b.txt", "clean\n");

        var run = Run(null, dir.Name, "--format", "jsonl");

        run.Exit.ShouldBe(ExitCodes.Findings);
        var files = run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        files.Select(f => f.GetProperty("path").GetString()).ShouldBe([$"{dir.Name}/a.txt", $"{dir.Name}/b.txt"]);
        var finding = files[0].GetProperty("findings").EnumerateArray().ShouldHaveSingleItem();
        finding.GetProperty("start").GetInt64().ShouldBe(6);
        finding.GetProperty("end").GetInt64().ShouldBe(6 + Email.Length);
        finding.GetProperty("line").GetInt32().ShouldBe(2);
        finding.GetProperty("column").GetInt32().ShouldBe(3);
        finding.GetProperty("endColumn").GetInt32().ShouldBe(3 + Email.Length);
        files[1].GetProperty("findings").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public void Scan_JsonFormat_IsOneDocumentWithEveryFindingAndASummary()
    {
        using var dir = new ScratchDirectory();
        dir.Write("a.txt", "mail " + Email + "\nkey " + AwsKey + "\n");
        dir.Write("clean.txt", "nothing\n");
        dir.Write("r.jsonl", """{"text":"card 4111 1111 1111 1111"}""" + "\n" + """{"text":"none"}""" + "\n");

        var run = Run(null, dir.Name, "--format", "json");

        run.Exit.ShouldBe(ExitCodes.Findings);
        var root = JsonDocument.Parse(run.Stdout).RootElement;
        root.GetProperty("tool").GetString().ShouldBe("bulwark");
        var results = root.GetProperty("results").EnumerateArray().ToList();
        results.Count.ShouldBe(2); // clean inputs and clean records are not listed
        results[0].GetProperty("path").GetString().ShouldBe($"{dir.Name}/a.txt");
        results[0].GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("entity").GetString())
            .ShouldBe(["EMAIL_ADDRESS", "AWS_ACCESS_KEY_ID"]);
        results[1].GetProperty("line").GetInt32().ShouldBe(1);
        results[1].GetProperty("findings")[0].GetProperty("entity").GetString().ShouldBe("CREDIT_CARD");
        var summary = root.GetProperty("summary");
        summary.GetProperty("inputs").GetInt32().ShouldBe(3);
        summary.GetProperty("records").GetInt32().ShouldBe(2);
        summary.GetProperty("findings").GetInt32().ShouldBe(3);
        summary.GetProperty("errors").GetInt32().ShouldBe(0);
    }

    [Fact]
    public void Scan_SarifFormat_IsStructurallyValidSarif210WithCorrectRegions()
    {
        using var dir = new ScratchDirectory();
        const int PemLines = 6;
        var keyLine = "  key = " + AwsKey;
        dir.Write("conf/app settings.txt", "line one\n" + keyLine + "\nmail: " + Email + "\n" + PemKey(PemLines) + "\ntail\n");

        var run = Run(null, dir.Name, "--format", "sarif");

        run.Exit.ShouldBe(ExitCodes.Findings);
        var root = JsonDocument.Parse(run.Stdout).RootElement;
        root.GetProperty("version").GetString().ShouldBe("2.1.0");
        root.GetProperty("$schema").GetString()!.ShouldContain("sarif-2.1.0");
        var sarifRun = root.GetProperty("runs").EnumerateArray().ShouldHaveSingleItem();
        var driver = sarifRun.GetProperty("tool").GetProperty("driver");
        driver.GetProperty("name").GetString().ShouldBe("bulwark");
        driver.GetProperty("version").GetString().ShouldNotBeNullOrWhiteSpace();

        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        var ruleIds = rules.Select(r => r.GetProperty("id").GetString()!).ToList();
        ruleIds.ShouldBeUnique();
        foreach (var rule in rules)
        {
            rule.GetProperty("shortDescription").GetProperty("text").GetString().ShouldNotBeNullOrWhiteSpace();
            rule.GetProperty("help").GetProperty("text").GetString().ShouldNotBeNullOrWhiteSpace();
            rule.GetProperty("properties").GetProperty("tags").GetArrayLength().ShouldBeGreaterThan(0);
            var severity = rule.GetProperty("properties").GetProperty("security-severity");
            severity.ValueKind.ShouldBe(JsonValueKind.String);
            double.Parse(severity.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture).ShouldBeInRange(0.1, 10.0);
        }

        Severity(rules, "AWS_ACCESS_KEY_ID").ShouldBeGreaterThanOrEqualTo(9.0);
        Severity(rules, "EMAIL_ADDRESS").ShouldBeInRange(4.0, 6.9);

        var results = sarifRun.GetProperty("results").EnumerateArray().ToList();
        results.Select(r => r.GetProperty("ruleId").GetString()).ShouldBe(["AWS_ACCESS_KEY_ID", "EMAIL_ADDRESS", "PRIVATE_KEY"]);
        foreach (var result in results)
        {
            var ruleId = result.GetProperty("ruleId").GetString();
            ruleIds[result.GetProperty("ruleIndex").GetInt32()].ShouldBe(ruleId);
            result.GetProperty("level").GetString().ShouldBeOneOf("error", "warning", "note");
            result.GetProperty("message").GetProperty("text").GetString()!.ShouldContain(ruleId!);
            var artifact = result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation");
            artifact.GetProperty("uri").GetString().ShouldBe($"{dir.Name}/conf/app%20settings.txt");
            artifact.GetProperty("uriBaseId").GetString().ShouldBe("%SRCROOT%");
            result.GetProperty("partialFingerprints").GetProperty("bulwarkFindingHash/v1").GetString().ShouldNotBeNullOrWhiteSpace();
        }

        results.Select(r => r.GetProperty("partialFingerprints").GetProperty("bulwarkFindingHash/v1").GetString()).ShouldBeUnique();
        ShouldHaveRegion(results[0], 2, keyLine.IndexOf(AwsKey, StringComparison.Ordinal) + 1, 2, keyLine.Length + 1);
        ShouldHaveRegion(results[1], 3, 7, 3, 7 + Email.Length);
        ShouldHaveRegion(results[2], 4, 1, 4 + PemLines + 1, "-----END RSA PRIVATE KEY-----".Length + 1);
    }

    [Fact]
    public void Scan_SarifFingerprint_SurvivesMovingTheLineAndDoesNotContainTheValue()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("a.txt", "key = " + AwsKey + "\n");
        var before = Fingerprint(Run(null, path, "--format", "sarif"));
        File.WriteAllText(path, "# a comment added above\n\nkey = " + AwsKey + "\n");
        var after = Fingerprint(Run(null, path, "--format", "sarif"));

        after.ShouldBe(before);
        before.ShouldNotContain(AwsKey);
        before.ShouldNotContain(Convert.ToHexString(Encoding.UTF8.GetBytes(AwsKey)), Case.Insensitive);
    }

    public static TheoryData<string, bool> FormatsAndInputs => new()
    {
        { "text", false }, { "json", false }, { "jsonl", false }, { "sarif", false },
        { "text", true }, { "json", true }, { "jsonl", true }, { "sarif", true },
    };

    [Theory]
    [MemberData(nameof(FormatsAndInputs))]
    public void Scan_AnyFormat_NeverPrintsTheMatchedValue(string format, bool jsonl)
    {
        var pem = PemKey(5);
        var values = new[] { AwsKey, Email, Card, "4111111111111111" };
        var text = $"key {AwsKey}\nmail {Email}\ncard {Card}\n{pem}\n";
        var input = jsonl ? JsonSerializer.Serialize(new { text }) + "\n" : text;

        var run = jsonl ? Run(input, "--jsonl", "--format", format) : Run(input, "--format", format);

        run.Exit.ShouldBe(ExitCodes.Findings);
        var everything = run.Stdout + run.Stderr;
        foreach (var value in values)
        {
            everything.ShouldNotContain(value);
        }

        foreach (var pemLine in pem.Split('\n'))
        {
            everything.ShouldNotContain(pemLine.Contains("-----", StringComparison.Ordinal) ? "PRIVATE KEY-----\n" + pemLine : pemLine);
        }
    }

    [Fact]
    public void Scan_InputLargerThanOneWindow_ReportsEveryFindingOnceAtItsLineAndColumn()
    {
        // About 3.5 MB: many short lines with e-mails at varying columns, and one 1.2 MB line, so findings fall on
        // every side of the scanner's window boundaries, including inside a line that spans two windows.
        var random = new Random(42);
        var text = new StringBuilder();
        var expected = new List<string>();
        var line = 1;
        var n = 0;
        while (text.Length < 3_500_000)
        {
            var lineText = new StringBuilder();
            var target = line == 2000 ? 1_200_000 : random.Next(10, 400);
            while (lineText.Length < target)
            {
                if (random.Next(4) == 0)
                {
                    var email = "user" + Letters(n++) + "@fabrikam.net";
                    expected.Add($"-:{line}:{lineText.Length + 1}: EMAIL_ADDRESS");
                    lineText.Append(email);
                }
                else
                {
                    lineText.Append(random.Next(2) == 0 ? "lorem ipsum dolor" : "sit amet, consectetur");
                }

                lineText.Append(' ');
            }

            text.Append(lineText).Append('\n');
            line++;
        }

        var run = Run(text.ToString());

        run.Exit.ShouldBe(ExitCodes.Findings);
        var actual = run.StdoutLines.Select(l => l[..l.IndexOf(" (", StringComparison.Ordinal)]).ToList();
        actual.Count.ShouldBe(expected.Count);
        actual.ShouldBe(expected);
    }

    [Fact]
    public void Scan_MissingPath_ExitsTwoButStillScansTheOtherPaths()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("a.txt", "mail " + Email);

        var run = Run(null, Path.Combine(dir.FullPath, "missing.txt"), path);

        run.Exit.ShouldBe(ExitCodes.Error);
        run.Stderr.ShouldContain("missing.txt: no such file or directory");
        run.Stdout.ShouldContain("EMAIL_ADDRESS");
    }

    [Theory]
    [InlineData("--format", "xml")]
    [InlineData("--fail-on", "sometimes")]
    [InlineData("--entities", "EMAIL,NOT_AN_ENTITY")]
    [InlineData("--min-score", "1.5")]
    public void Scan_BadOptionValue_ExitsTwoBeforeScanning(string option, string value)
    {
        var run = Run("mail " + Email, option, value);

        run.Exit.ShouldBe(ExitCodes.Error);
        run.Stdout.ShouldBeEmpty();
        run.Stderr.ShouldContain(option);
    }

    [Fact]
    public void Scan_EntitiesFilter_ReportsOnlyTheListedEntities()
    {
        var run = Run($"key {AwsKey} mail {Email} card {Card}", "--entities", "EMAIL_ADDRESS, CREDIT_CARD");

        run.Exit.ShouldBe(ExitCodes.Findings);
        run.StdoutLines.Select(l => l.Split(' ')[1]).ShouldBe(["EMAIL_ADDRESS", "CREDIT_CARD"]);
    }

    [Fact]
    public void Scan_MinScore_DropsExactlyTheFindingsScoredBelowIt()
    {
        var input = $"key {AwsKey} mail {Email} card {Card}";
        var all = Scores(Run(input, "--format", "json", "--min-score", "0"));
        all.Distinct().Count().ShouldBeGreaterThan(1, "the sample needs findings with different scores");
        var threshold = all.Max();

        var kept = Scores(Run(input, "--format", "json", "--min-score", threshold.ToString(CultureInfo.InvariantCulture)));

        kept.ShouldBe(all.Where(s => s >= threshold).ToList());
    }

    [Fact]
    public void Scan_FailOnNone_ReportsFindingsButExitsZero()
    {
        var run = Run("mail " + Email, "--fail-on", "none");

        run.Exit.ShouldBe(ExitCodes.Ok);
        run.Stdout.ShouldContain("EMAIL_ADDRESS");
    }

    private static void ShouldBeRecord(string line, int number, (string Entity, int Start, int Length)[] findings)
    {
        var record = JsonDocument.Parse(line).RootElement;
        record.EnumerateObject().Select(p => p.Name).ShouldBe(["line", "findings"]);
        record.GetProperty("line").GetInt32().ShouldBe(number);
        var actual = record.GetProperty("findings").EnumerateArray().ToList();
        actual.Count.ShouldBe(findings.Length);
        for (var i = 0; i < findings.Length; i++)
        {
            actual[i].EnumerateObject().Select(p => p.Name).ShouldBe(["entity", "start", "end", "score", "detector"]);
            actual[i].GetProperty("entity").GetString().ShouldBe(findings[i].Entity);
            actual[i].GetProperty("start").GetInt32().ShouldBe(findings[i].Start);
            actual[i].GetProperty("end").GetInt32().ShouldBe(findings[i].Start + findings[i].Length);
        }
    }

    private static void ShouldHaveRegion(JsonElement result, int startLine, int startColumn, int endLine, int endColumn)
    {
        var region = result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region");
        region.GetProperty("startLine").GetInt32().ShouldBe(startLine);
        region.GetProperty("startColumn").GetInt32().ShouldBe(startColumn);
        region.GetProperty("endLine").GetInt32().ShouldBe(endLine);
        region.GetProperty("endColumn").GetInt32().ShouldBe(endColumn);
    }

    private static double Severity(List<JsonElement> rules, string id) =>
        double.Parse(
            rules.Single(r => r.GetProperty("id").GetString() == id).GetProperty("properties").GetProperty("security-severity").GetString()!,
            CultureInfo.InvariantCulture);

    private static string Fingerprint(ScanRun run) =>
        JsonDocument.Parse(run.Stdout).RootElement.GetProperty("runs")[0].GetProperty("results")[0]
            .GetProperty("partialFingerprints").GetProperty("bulwarkFindingHash/v1").GetString()!;

    private static List<double> Scores(ScanRun run) =>
        JsonDocument.Parse(run.Stdout).RootElement.GetProperty("results").EnumerateArray()
            .SelectMany(r => r.GetProperty("findings").EnumerateArray())
            .Select(f => f.GetProperty("score").GetDouble())
            .ToList();

    private static string Letters(int n)
    {
        var s = new StringBuilder();
        do
        {
            s.Append((char)('a' + (n % 26)));
            n /= 26;
        }
        while (n > 0);
        return s.ToString();
    }
}
