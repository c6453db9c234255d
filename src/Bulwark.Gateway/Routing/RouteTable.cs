using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Routing;

/// <summary>A request matched to a route, with the path to forward (the route's path_prefix stripped).</summary>
internal readonly record struct RouteMatch(RouteConfig Route, string ForwardPath);

/// <summary>
/// Resolves a request to a route. Routes are tried in config order and the first match wins. A route matches when
/// each of its criteria matches: hosts (the Host header, which for an absolute-form proxy request is the target's
/// authority) and path_prefix (on a segment boundary: <c>/openai</c> matches <c>/openai/v1</c>, not <c>/openaix</c>).
/// </summary>
internal static class RouteTable
{
    public static RouteMatch? Resolve(GatewayConfig config, string host, int? port, string path)
    {
        foreach (var route in config.Routes)
        {
            if (!route.Hosts.IsEmpty && !MatchesAnyHost(route, host, port))
            {
                continue;
            }

            if (route.PathPrefix is null)
            {
                return new RouteMatch(route, path);
            }

            if (path.StartsWith(route.PathPrefix, StringComparison.OrdinalIgnoreCase)
                && (path.Length == route.PathPrefix.Length || path[route.PathPrefix.Length] == '/'))
            {
                var rest = path[route.PathPrefix.Length..];
                return new RouteMatch(route, rest.Length == 0 ? "/" : rest);
            }
        }

        return null;
    }

    private static bool MatchesAnyHost(RouteConfig route, string host, int? port)
    {
        foreach (var pattern in route.Hosts)
        {
            if (pattern.Matches(host, port))
            {
                return true;
            }
        }

        return false;
    }
}
