namespace Bulwark.Gateway.Inspection;

/// <summary>
/// One text a request carries to the model, with the chat role it belongs to (null when the shape has no roles)
/// and its JSON path (e.g. <c>/messages/2/content/0/text</c>), which rewriting uses to replace it in place.
/// </summary>
internal readonly record struct InspectedText(string Text, string? Role, string Path);
