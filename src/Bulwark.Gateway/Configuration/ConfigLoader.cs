using System.Collections.Immutable;
using System.Net;
using System.Text.RegularExpressions;
using Bulwark.Gateway.Credentials;
using Bulwark.Gateway.Guard;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bulwark.Gateway.Configuration;

/// <summary>The outcome of loading a config: a snapshot, or every error found (never just the first).</summary>
internal sealed record ConfigLoadResult(GatewayConfig? Config, ImmutableArray<string> Errors)
{
    public bool Succeeded => Config is not null;

    /// <summary>All errors as one message, one per line, prefixed with the file they belong to.</summary>
    public string Describe() => string.Join(Environment.NewLine, Errors);
}

/// <summary>Thrown at startup when the configuration is invalid. The message lists every error and its fix.</summary>
public sealed class ConfigException(string message) : Exception(message);

/// <summary>
/// Reads a YAML config and validates it into a <see cref="GatewayConfig"/>. Validation gathers every problem into
/// one report naming the file, the path inside it and the fix, so an operator fixes a bad config in one pass.
/// </summary>
internal static partial class ConfigLoader
{
    /// <summary>Name of the embedded config served when no --config is given.</summary>
    public const string EmbeddedDefaultSource = "embedded:default-config.yaml";

    private static readonly TimeSpan BacktrackingPatternTimeout = TimeSpan.FromMilliseconds(100);

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    public static ConfigLoadResult LoadFile(string path, TimeProvider time)
    {
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail($"{path}: cannot read the config file ({e.Message})");
        }

        return Load(yaml, path, time);
    }

    public static ConfigLoadResult LoadEmbeddedDefault(TimeProvider time)
    {
        using var stream = typeof(ConfigLoader).Assembly.GetManifestResourceStream("Bulwark.Gateway.default-config.yaml")
            ?? throw new InvalidOperationException("The embedded default config is missing from the build.");
        using var reader = new StreamReader(stream);
        return Load(reader.ReadToEnd(), EmbeddedDefaultSource, time);
    }

    public static ConfigLoadResult Load(string yaml, string source, TimeProvider time)
    {
        RawConfig? raw;
        try
        {
            raw = Deserializer.Deserialize<RawConfig>(yaml);
        }
        catch (YamlException e)
        {
            // YamlDotNet's message names the line, column and the unknown or mistyped field.
            var inner = e.InnerException is { } i ? $" ({i.Message})" : string.Empty;
            return Fail($"{source}: line {e.Start.Line}, column {e.Start.Column}: {e.Message}{inner}");
        }

        var errors = new Errors(source);
        var config = Validate(raw ?? new RawConfig(), source, time, errors);
        return errors.Count == 0 ? new ConfigLoadResult(config, []) : new ConfigLoadResult(null, errors.ToImmutable());
    }

    private static ConfigLoadResult Fail(string message) => new(null, [message]);

    private static GatewayConfig? Validate(RawConfig raw, string source, TimeProvider time, Errors errors)
    {
        var listen = ParseEndpoint(raw.Listen ?? "127.0.0.1:8080", "listen", errors);
        var admin = ParseEndpoint(raw.AdminListen ?? "127.0.0.1:8081", "admin_listen", errors);
        if (listen is not null && admin is not null && listen.Port != 0 && listen.Port == admin.Port)
        {
            errors.Add("admin_listen", "must use a different port from listen, so applications cannot reach the admin API");
        }

        var unknownHosts = UnknownHostsPolicy.Deny;
        switch (raw.UnknownHosts?.Trim().ToLowerInvariant())
        {
            case null or "deny":
                break;
            case "passthrough":
                unknownHosts = UnknownHostsPolicy.Passthrough;
                break;
            default:
                errors.Add("unknown_hosts", $"'{raw.UnknownHosts}' is not valid; use 'deny' or 'passthrough'");
                break;
        }

        var defaultMaxBody = raw.MaxBodyBytes ?? GatewayConfig.DefaultMaxBodyBytes;
        if (defaultMaxBody <= 0)
        {
            errors.Add("max_body_bytes", "must be a positive number of bytes");
        }

        var routes = ImmutableArray.CreateBuilder<RouteConfig>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var rawRoutes = new List<RawRoute>(raw.Routes ?? []);
        if (raw.PluginConfig is { } plugin)
        {
            plugin.Name ??= "llmproxy";
            rawRoutes.Add(plugin);
        }

        for (var i = 0; i < rawRoutes.Count; i++)
        {
            var route = ValidateRoute(rawRoutes[i], i, defaultMaxBody, time, errors);
            if (route is null)
            {
                continue;
            }

            if (!names.Add(route.Name))
            {
                errors.Add($"routes[{i}].name", $"'{route.Name}' is used by another route; route names must be unique");
            }

            routes.Add(route);
        }

        // Operations blocks (ConfigLoader.Operations.cs).
        var storage = ValidateStorage(raw.Storage, source, time, errors);
        var audit = ValidateAudit(raw.Audit, source, storage, errors);
        var consumers = ValidateConsumers(raw.Consumers, routes, errors);
        SecretReference? adminToken = null;
        if (raw.AdminToken is not null)
        {
            adminToken = SecretReference.Parse(raw.AdminToken, time, out var tokenError);
            if (adminToken is null)
            {
                errors.Add("admin_token", tokenError!);
            }
        }

        if (errors.Count > 0 || listen is null || admin is null)
        {
            return null;
        }

        return new GatewayConfig(source, listen, admin, unknownHosts, routes.ToImmutable())
        {
            Storage = storage,
            Audit = audit,
            Consumers = consumers,
            AdminToken = adminToken is { IsAbsent: false } ? adminToken : null,
        };
    }

    private static RouteConfig? ValidateRoute(RawRoute raw, int index, long defaultMaxBody, TimeProvider time, Errors errors)
    {
        var at = $"routes[{index}]";
        var before = errors.Count;
        var name = string.IsNullOrWhiteSpace(raw.Name) ? $"route-{index}" : raw.Name.Trim();

        var provider = Provider.OpenAI;
        switch (raw.Provider?.Trim().ToLowerInvariant())
        {
            case null or "openai":
                break;
            case "dashscope":
                provider = Provider.DashScope;
                break;
            case "azure":
                provider = Provider.Azure;
                break;
            case "anthropic":
                provider = Provider.Anthropic;
                break;
            default:
                errors.Add($"{at}.provider", $"'{raw.Provider}' is not a provider; use openai, dashscope, azure or anthropic");
                break;
        }

        var hosts = ImmutableArray.CreateBuilder<HostPattern>();
        for (var h = 0; h < (raw.Hosts?.Count ?? 0); h++)
        {
            if (HostPattern.TryParse(raw.Hosts![h] ?? string.Empty, out var host, out var error))
            {
                hosts.Add(host!);
            }
            else
            {
                errors.Add($"{at}.hosts[{h}]", error!);
            }
        }

        string? pathPrefix = null;
        if (!string.IsNullOrWhiteSpace(raw.PathPrefix))
        {
            pathPrefix = "/" + raw.PathPrefix.Trim().Trim('/');
            if (pathPrefix == "/")
            {
                errors.Add($"{at}.path_prefix", "'/' matches everything; leave path_prefix out instead");
            }
        }

        if (hosts.Count == 0 && pathPrefix is null && raw.Hosts is not { Count: > 0 })
        {
            errors.Add(at, $"route '{name}' matches nothing; give it hosts, a path_prefix, or both");
        }

        var upstream = ParseUpstream(raw, hosts, at, errors);

        if (raw.UpstreamCaFile is { } ca && !File.Exists(ca))
        {
            errors.Add($"{at}.upstream_ca_file", $"file {ca} does not exist");
        }

        var keyRefs = ImmutableArray.CreateBuilder<SecretReference>();
        if (raw.ApiKey is not null)
        {
            AddKey(raw.ApiKey, $"{at}.api_key", keyRefs, time, errors);
        }

        for (var k = 0; k < (raw.ApiKeys?.Count ?? 0); k++)
        {
            AddKey(raw.ApiKeys![k] ?? string.Empty, $"{at}.api_keys[{k}]", keyRefs, time, errors);
        }

        var cooldown = raw.KeyCooldownSeconds ?? GatewayConfig.DefaultKeyCooldownSeconds;
        if (cooldown < 0)
        {
            errors.Add($"{at}.key_cooldown_seconds", "must be zero or more");
        }

        var deny = new DenyPatternSet(CompilePatterns(raw.DenyPatterns, $"{at}.deny_patterns", "deny_patterns", $"route '{name}'", errors));
        var allow = CompilePatterns(raw.AllowPatterns, $"{at}.allow_patterns", "allow_patterns", $"route '{name}'", errors);

        var roles = RoleFilter.All;
        if (raw.InspectRoles is { Count: > 0 } inspectRoles)
        {
            roles = new RoleFilter(inspectRoles.Select(r => (r ?? string.Empty).Trim().ToLowerInvariant()).ToImmutableHashSet(StringComparer.Ordinal));
        }

        var maxBody = raw.MaxBodyBytes ?? defaultMaxBody;
        if (maxBody <= 0)
        {
            errors.Add($"{at}.max_body_bytes", "must be a positive number of bytes");
        }

        var timeoutMs = raw.TimeoutMs ?? GatewayConfig.DefaultTimeoutMs;
        if (timeoutMs <= 0)
        {
            errors.Add($"{at}.timeout_ms", "must be a positive number of milliseconds");
        }

        var guard = raw.IntelligentGuard is { } g ? ValidateGuard(g, $"{at}.intelligent_guard", time, errors) : null;
        var detection = DetectionConfigLoader.Validate(raw.Detection, $"{at}.detection", time, errors.Add);
        var limits = ValidateLimits(raw.Limits, $"{at}.limits", errors);

        if (errors.Count > before || upstream is null)
        {
            return null;
        }

        return new RouteConfig(
            name,
            provider,
            hosts.ToImmutable(),
            pathPrefix,
            upstream,
            raw.UpstreamCaFile,
            new KeyRing(keyRefs.ToImmutable(), TimeSpan.FromSeconds(cooldown), time),
            deny,
            allow,
            roles,
            raw.AllowUnknownShapes ?? false,
            maxBody,
            TimeSpan.FromMilliseconds(timeoutMs),
            guard,
            detection)
        {
            Limits = limits,
        };
    }

    private static Uri? ParseUpstream(RawRoute raw, ImmutableArray<HostPattern>.Builder hosts, string at, Errors errors)
    {
        if (string.IsNullOrWhiteSpace(raw.Upstream))
        {
            var exact = hosts.FirstOrDefault(h => !h.IsWildcard);
            if (exact is null)
            {
                errors.Add($"{at}.upstream", "is required when no exact host is listed; write the provider's base URL, e.g. https://api.openai.com");
                return null;
            }

            // The HTTP to HTTPS upgrade: the app speaks plain HTTP to the gateway, the gateway speaks TLS upstream.
            return new Uri($"https://{exact.Host}" + (exact.Port is { } p && p != 80 && p != 443 ? $":{p}" : string.Empty));
        }

        if (!Uri.TryCreate(raw.Upstream.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            errors.Add($"{at}.upstream", $"'{raw.Upstream}' is not a base URL; write https://host[:port][/base/path] without query or credentials");
            return null;
        }

        return uri;
    }

    private static void AddKey(string text, string at, ImmutableArray<SecretReference>.Builder keys, TimeProvider time, Errors errors)
    {
        var secret = SecretReference.Parse(text, time, out var error);
        if (secret is null)
        {
            errors.Add(at, error!); // the error names the variable or file, never the value
        }
        else if (!secret.IsAbsent)
        {
            keys.Add(secret);
        }
    }

    /// <param name="owner">Who the patterns belong to, for errors: <c>route 'openai'</c> or <c>consumer 'billing'</c>.</param>
    private static ImmutableArray<CompiledPattern> CompilePatterns(List<string>? patterns, string at, string kind, string owner, Errors errors)
    {
        if (patterns is null || patterns.Count == 0)
        {
            return [];
        }

        var compiled = ImmutableArray.CreateBuilder<CompiledPattern>(patterns.Count);
        for (var i = 0; i < patterns.Count; i++)
        {
            var pattern = patterns[i];
            if (string.IsNullOrEmpty(pattern))
            {
                errors.Add($"{at}[{i}]", $"{owner}: an empty pattern matches everything; remove it");
                continue;
            }

            try
            {
                // Linear time: NonBacktracking guarantees it. Constructs it cannot run (backreferences, lookarounds,
                // atomic groups) fall back to the backtracking engine bounded by a match timeout.
                compiled.Add(new CompiledPattern($"{kind}[{i}]", new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant), Linear: true));
            }
            catch (NotSupportedException)
            {
                try
                {
                    compiled.Add(new CompiledPattern($"{kind}[{i}]", new Regex(pattern, RegexOptions.CultureInvariant, BacktrackingPatternTimeout), Linear: false));
                }
                catch (ArgumentException e)
                {
                    errors.Add($"{at}[{i}]", $"{owner}: pattern '{pattern}' does not compile: {e.Message}");
                }
            }
            catch (ArgumentException e)
            {
                errors.Add($"{at}[{i}]", $"{owner}: pattern '{pattern}' does not compile: {e.Message}");
            }
        }

        return compiled.ToImmutable();
    }

    // The intelligent guard validates its own block (Guard/GuardConfigValidator.cs).
    private static GuardConfig? ValidateGuard(RawGuard raw, string at, TimeProvider time, Errors errors) =>
        GuardConfigValidator.Validate(raw, at, time, errors.Add);

    private static IPEndPoint? ParseEndpoint(string text, string at, Errors errors)
    {
        var value = text.Trim();
        var colon = value.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(value.AsSpan(colon + 1), out var port) || port is < 0 or > 65535)
        {
            errors.Add(at, $"'{text}' is not an address; write host:port, e.g. 127.0.0.1:8080 or 0.0.0.0:8080");
            return null;
        }

        var host = value[..colon].Trim('[', ']');
        if (host.Length == 0 || host == "*" || host == "0.0.0.0")
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        errors.Add(at, $"'{host}' is not an IP address; listen on an address such as 127.0.0.1, 0.0.0.0 or [::]");
        return null;
    }

    private sealed class Errors(string source)
    {
        private readonly ImmutableArray<string>.Builder _items = ImmutableArray.CreateBuilder<string>();

        public int Count => _items.Count;

        public void Add(string path, string message) => _items.Add($"{source}: {path}: {message}");

        public ImmutableArray<string> ToImmutable() => _items.ToImmutable();
    }
}
