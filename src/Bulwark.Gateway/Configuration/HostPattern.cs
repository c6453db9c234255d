namespace Bulwark.Gateway.Configuration;

/// <summary>
/// A route's host: exact (<c>api.openai.com</c>) or a suffix wildcard (<c>*.openai.azure.com</c>), with an optional
/// port. Without a port it matches the host on any port; with one, only that port. Host names compare
/// case-insensitively; a wildcard matches subdomains only, not the bare suffix.
/// </summary>
internal sealed record HostPattern(string Host, int? Port, bool IsWildcard)
{
    public static bool TryParse(string text, out HostPattern? pattern, out string? error)
    {
        pattern = null;
        error = null;
        var value = text.Trim().ToLowerInvariant();
        if (value.Length == 0 || value.Contains('/', StringComparison.Ordinal) || value.Contains("://", StringComparison.Ordinal))
        {
            error = $"'{text}' is not a host; write a host name such as api.openai.com or *.openai.azure.com, optionally with :port";
            return false;
        }

        int? port = null;
        var colon = value.LastIndexOf(':');
        if (colon > 0 && !value.EndsWith(']'))
        {
            if (!int.TryParse(value.AsSpan(colon + 1), out var p) || p is < 1 or > 65535)
            {
                error = $"'{text}' has an invalid port";
                return false;
            }

            port = p;
            value = value[..colon];
        }

        var wildcard = value.StartsWith("*.", StringComparison.Ordinal);
        var name = wildcard ? value[1..] : value; // keep the leading dot of a wildcard: ".openai.azure.com"
        if (name.Contains('*', StringComparison.Ordinal) || name.Length < (wildcard ? 2 : 1))
        {
            error = $"'{text}' has a wildcard that is not a leading '*.'";
            return false;
        }

        pattern = new HostPattern(name, port, wildcard);
        return true;
    }

    /// <summary>Does a request for <paramref name="host"/> (lower case, no port) on <paramref name="port"/> match.</summary>
    public bool Matches(string host, int? port)
    {
        if (Port is { } p && p != port)
        {
            return false;
        }

        return IsWildcard
            ? host.Length > Host.Length && host.EndsWith(Host, StringComparison.Ordinal)
            : string.Equals(host, Host, StringComparison.Ordinal);
    }

    public override string ToString() => (IsWildcard ? "*" + Host : Host) + (Port is { } p ? ":" + p : string.Empty);
}
