using System.Text.Json;

namespace Bulwark.Gateway.Inspection;

/// <summary>Why a body could not be inspected. A request that cannot be inspected is never forwarded.</summary>
internal enum ExtractError
{
    None,

    /// <summary>The body has the right shape but a field holds something the model reads and we cannot inspect.</summary>
    Malformed,

    /// <summary>The body carries token ids instead of text; tokens cannot be inspected.</summary>
    TokenIds,
}

/// <summary>The outcome of extracting texts: success, or the error and the JSON path where it was found.</summary>
internal readonly record struct ExtractResult(ExtractError Error, string? Path)
{
    public static ExtractResult Ok => default;

    public bool Succeeded => Error == ExtractError.None;

    public static ExtractResult Fail(ExtractError error, string path) => new(error, path);
}

/// <summary>
/// Pulls every text one API shape carries to the model out of a parsed body. One implementation per shape; the
/// list of shapes lives in <see cref="RequestShapes"/>.
/// </summary>
internal interface IRequestExtractor
{
    /// <summary>Short name for logs and errors, e.g. <c>openai.chat_completions</c>.</summary>
    string Shape { get; }

    /// <summary>Does a request to this upstream path use this shape.</summary>
    bool MatchesPath(string path);

    /// <summary>When the path names no known shape: does the body look like this shape.</summary>
    bool MatchesBody(JsonElement root);

    ExtractResult Extract(JsonElement root, List<InspectedText> texts);
}
