using Bulwark.Evaluation;

// Usage: dotnet run -c Release --project bench/Bulwark.Evaluation -- pii [--datasets DIR] [--corpus FILE] [--errors]
if (args.Length == 0 || args[0] != "pii")
{
    await Console.Error.WriteLineAsync("usage: Bulwark.Evaluation pii [--datasets DIR] [--corpus FILE] [--errors]").ConfigureAwait(false);
    return 2;
}

string? datasets = null;
string? corpus = null;
var showErrors = false;
for (var i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--datasets" when i + 1 < args.Length:
            datasets = args[++i];
            break;
        case "--corpus" when i + 1 < args.Length:
            corpus = args[++i];
            break;
        case "--errors":
            showErrors = true;
            break;
        default:
            await Console.Error.WriteLineAsync($"unknown argument '{args[i]}'").ConfigureAwait(false);
            return 2;
    }
}

return PiiEvaluation.Run(datasets, corpus, showErrors, Console.Out);
