namespace Bulwark.Detection;

/// <summary>Which way a text travels through the gateway.</summary>
public enum Direction
{
    /// <summary>From the application to the model (prompts, tool results).</summary>
    Request,

    /// <summary>From the model back to the application (completions, tool calls).</summary>
    Response,
}
