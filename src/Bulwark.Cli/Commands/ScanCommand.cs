using System.CommandLine;
using System.Reflection;
using System.Text;
using Bulwark.Cli.Scanning;
using Bulwark.Cli.Scanning.Reports;
using Bulwark.Detection.Engine;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark scan [PATH...]</c>: runs the default detector set over standard input, files, directories or JSONL
/// records and reports what it found (never the values) as text, JSON, JSONL or SARIF. Exit 0 nothing found,
/// 1 findings, 2 error (a bad record, a missing path, a bad option), errors winning over findings.
/// </summary>
internal sealed class ScanCommand : Command
{
    private const long DefaultMaxFileBytes = 10 * 1024 * 1024;

    private readonly Argument<string[]> _paths = new("PATH")
    {
        Description = "Files or directories to scan; '-' or nothing reads standard input.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string> _format = new("--format", "-f")
    {
        Description = "Output format: text, json, jsonl or sarif.",
        DefaultValueFactory = _ => "text",
    };

    private readonly Option<bool> _jsonl = new("--jsonl")
    {
        Description = "Read every input as JSONL records (automatic for files ending in .jsonl or .ndjson).",
    };

    private readonly Option<string> _field = new("--field")
    {
        Description = "The string field of each JSONL record to scan.",
        DefaultValueFactory = _ => "text",
    };

    private readonly Option<double> _minScore = new("--min-score")
    {
        Description = "Report only findings scored at least this (0..1).",
        DefaultValueFactory = _ => 0.5,
    };

    private readonly Option<string?> _entities = new("--entities")
    {
        Description = "Report only these entity types, comma-separated (e.g. AWS_ACCESS_KEY_ID,EMAIL_ADDRESS).",
    };

    private readonly Option<string> _failOn = new("--fail-on")
    {
        Description = "When findings make the exit code 1: any (default) or none (report only; errors still exit 2).",
        DefaultValueFactory = _ => "any",
    };

    private readonly Option<long> _maxFileBytes = new("--max-file-bytes")
    {
        Description = "Skip files larger than this found in directories (0: no limit). Files named on the command line are always scanned.",
        DefaultValueFactory = _ => DefaultMaxFileBytes,
    };

    private readonly Func<TextReader> _openStdin;

    public ScanCommand()
        : this(static () => new StreamReader(Console.OpenStandardInput(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16))
    {
    }

    /// <param name="openStdin">Opens standard input; tests pass their own text.</param>
    public ScanCommand(Func<TextReader> openStdin)
        : base("scan", "Scan text, files, directories or JSONL records for credentials, personal data and prompt injection.")
    {
        _openStdin = openStdin;
        Arguments.Add(_paths);
        Options.Add(_format);
        Options.Add(_jsonl);
        Options.Add(_field);
        Options.Add(_minScore);
        Options.Add(_entities);
        Options.Add(_failOn);
        Options.Add(_maxFileBytes);
        SetAction(RunAsync);
    }

    // The scan is CPU-bound and reads synchronously (faster line by line); the token is checked between windows and records.
    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => Task.FromResult(Run(parse, cancellationToken));

    private int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        // Console.Out flushes on every line; a million-record JSONL report wants a buffered writer on the real stdout.
        var output = parse.InvocationConfiguration.Output;
        using var buffered = ReferenceEquals(output, Console.Out)
            ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16)
            : null;
        output = buffered ?? output;
        var diagnostics = parse.InvocationConfiguration.Error;
        var engine = new DetectionEngine(DefaultDetectors.Create());

        // 1. Settle the settings; a bad option is an error (exit 2) before anything is read. Values are checked here
        //    rather than by the parser, whose errors exit 1, the code CI reads as "findings".
        var format = parse.GetValue(_format);
        if (format is not ("text" or "json" or "jsonl" or "sarif"))
        {
            diagnostics.WriteLine($"bulwark: --format {format}: expected text, json, jsonl or sarif");
            return ExitCodes.Error;
        }

        var failOn = parse.GetValue(_failOn);
        if (failOn is not ("any" or "none"))
        {
            diagnostics.WriteLine($"bulwark: --fail-on {failOn}: expected any or none");
            return ExitCodes.Error;
        }

        var known = engine.Detectors.SelectMany(d => d.Entities).Distinct(StringComparer.Ordinal).ToList();
        var minScore = parse.GetValue(_minScore);
        if (minScore is < 0 or > 1 || double.IsNaN(minScore))
        {
            diagnostics.WriteLine("bulwark: --min-score must be between 0 and 1");
            return ExitCodes.Error;
        }

        HashSet<string>? entities = null;
        if (parse.GetValue(_entities) is { } list)
        {
            entities = new HashSet<string>(
                list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
            var unknown = entities.Where(e => !known.Contains(e)).ToList();
            if (unknown.Count > 0 || entities.Count == 0)
            {
                diagnostics.WriteLine(
                    $"bulwark: --entities: unknown entity type(s) {string.Join(", ", unknown)}; known: {string.Join(", ", known)}");
                return ExitCodes.Error;
            }
        }

        var field = parse.GetValue(_field) ?? "text";
        var settings = new ScanSettings(minScore, entities, field, parse.GetValue(_jsonl), parse.GetValue(_maxFileBytes));
        var version = Version();
        IScanReport report = format switch
        {
            "json" => new JsonReport(output, version),
            "jsonl" => new JsonlReport(output),
            "sarif" => new SarifReport(output, version, field, entities is null ? known : known.Where(entities.Contains)),
            _ => new TextReport(output, field),
        };

        // 2. Scan every input in turn; a failed input is an error, and the next one is still scanned.
        var scanner = new Scanner(engine, settings, report, diagnostics);
        var totals = scanner.Totals;
        var inputs = new ScanInputs(settings.MaxFileBytes, diagnostics, totals);
        foreach (var input in inputs.Expand(parse.GetValue(_paths) ?? []))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var reader = input.FullPath is null ? _openStdin() : OpenFile(input.FullPath);
                var records = settings.ForceJsonl || (input.FullPath is { } path && IsJsonlName(path));
                if (records)
                {
                    scanner.ScanRecords(input.Source, reader, cancellationToken);
                }
                else
                {
                    scanner.ScanText(input.Source, reader, cancellationToken);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                totals.Errors++;
                diagnostics.WriteLine($"bulwark: {input.Source.DisplayPath}: {e.Message}");
            }
        }

        // 3. Write what the report held back, sum up on stderr, and gate.
        report.Complete(totals);
        output.Flush();
        diagnostics.WriteLine(
            $"bulwark: {totals.Findings} finding(s) in {totals.Inputs} input(s)"
            + (totals.Records > 0 ? $", {totals.Records} record(s)" : string.Empty)
            + (totals.Skipped > 0 ? $"; {totals.Skipped} skipped" : string.Empty)
            + (totals.Errors > 0 ? $"; {totals.Errors} error(s)" : string.Empty));

        if (totals.Errors > 0)
        {
            return ExitCodes.Error;
        }

        return totals.Findings > 0 && failOn == "any" ? ExitCodes.Findings : ExitCodes.Ok;
    }

    private static StreamReader OpenFile(string path) =>
        new(
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan),
            Encoding.UTF8,
            detectEncodingFromByteOrderMarks: true);

    private static bool IsJsonlName(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase);

    private static string Version() =>
        typeof(ScanCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
