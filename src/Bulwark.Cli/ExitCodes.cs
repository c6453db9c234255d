namespace Bulwark.Cli;

/// <summary>Exit codes every verb uses, the scanner convention CI gates on.</summary>
internal static class ExitCodes
{
    /// <summary>Success; for scanners, nothing found.</summary>
    public const int Ok = 0;

    /// <summary>A scanner found something.</summary>
    public const int Findings = 1;

    /// <summary>An error: bad input, bad config, failure to start.</summary>
    public const int Error = 2;
}
