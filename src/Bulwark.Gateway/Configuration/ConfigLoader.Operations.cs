using System.Collections.Immutable;
using System.Net;
using Bulwark.Gateway.Credentials;

namespace Bulwark.Gateway.Configuration;

// Validation of the operations blocks: storage, audit, consumers and limits.
internal static partial class ConfigLoader
{
    /// <summary>Relative paths in these blocks are resolved against the config file's folder (the working folder for the embedded config).</summary>
    private static string BaseDirectory(string source) =>
        source == EmbeddedDefaultSource || !Path.IsPathRooted(source) && !File.Exists(source)
            ? Directory.GetCurrentDirectory()
            : Path.GetDirectoryName(Path.GetFullPath(source)) ?? Directory.GetCurrentDirectory();

    private static StorageSettings ValidateStorage(RawStorage? raw, string source, TimeProvider time, Errors errors)
    {
        var baseDir = BaseDirectory(source);
        switch (raw?.Kind?.Trim().ToLowerInvariant())
        {
            case null or "sqlite":
                if (raw?.ConnectionString is not null)
                {
                    errors.Add("storage.connection_string", "is for kind: postgres; SQLite takes a path");
                }

                var path = string.IsNullOrWhiteSpace(raw?.Path) ? StorageSettings.DefaultSqliteFile : raw.Path.Trim();
                return new StorageSettings(StorageKind.Sqlite, Path.GetFullPath(path, baseDir), null);
            case "postgres" or "postgresql":
                if (string.IsNullOrWhiteSpace(raw!.ConnectionString))
                {
                    errors.Add("storage.connection_string", "is required for kind: postgres; write ${PG_DSN} (a reference, not the password itself)");
                    return new StorageSettings(StorageKind.Postgres, null, null);
                }

                var secret = SecretReference.Parse(raw.ConnectionString, time, out var error);
                if (secret is null || secret.IsAbsent)
                {
                    errors.Add("storage.connection_string", error ?? "is empty; set the variable it names");
                }

                return new StorageSettings(StorageKind.Postgres, null, secret);
            default:
                errors.Add("storage.kind", $"'{raw.Kind}' is not a store; use sqlite or postgres");
                return new StorageSettings(StorageKind.Sqlite, null, null);
        }
    }

    private static AuditSettings ValidateAudit(RawAudit? raw, string source, StorageSettings storage, Errors errors)
    {
        var retention = raw?.RetentionDays ?? AuditSettings.DefaultRetentionDays;
        if (retention <= 0)
        {
            errors.Add("audit.retention_days", "must be one day or more");
        }

        var batch = raw?.BatchSize ?? AuditSettings.DefaultBatchSize;
        if (batch is <= 0 or > 10_000)
        {
            errors.Add("audit.batch_size", "must be between 1 and 10000 events");
        }

        var flush = raw?.FlushIntervalMs ?? AuditSettings.DefaultFlushIntervalMs;
        if (flush is < 10 or > 60_000)
        {
            errors.Add("audit.flush_interval_ms", "must be between 10 and 60000 milliseconds");
        }

        var defaultSpool = storage.Path is { } file ? Path.Combine(Path.GetDirectoryName(file)!, "spool") : Path.Combine(BaseDirectory(source), "data", "spool");
        var spool = string.IsNullOrWhiteSpace(raw?.SpoolDir) ? defaultSpool : Path.GetFullPath(raw.SpoolDir.Trim(), BaseDirectory(source));
        return new AuditSettings(raw?.Enabled ?? true, retention, spool, batch, TimeSpan.FromMilliseconds(flush), raw?.Journal ?? true);
    }

    private static ConsumerSettings ValidateConsumers(RawConsumers? raw, ImmutableArray<RouteConfig>.Builder routes, Errors errors)
    {
        if (raw is null)
        {
            return ConsumerSettings.Unconfigured;
        }

        string? header = null;
        if (!string.IsNullOrWhiteSpace(raw.TrustedIdentityHeader))
        {
            header = raw.TrustedIdentityHeader.Trim();
            if (header.Equals("authorization", StringComparison.OrdinalIgnoreCase) || header.Equals("api-key", StringComparison.OrdinalIgnoreCase)
                || header.Equals("x-api-key", StringComparison.OrdinalIgnoreCase) || header.Equals("host", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add("consumers.trusted_identity_header", $"'{header}' carries credentials or routing; name a dedicated header such as x-bulwark-consumer");
            }
        }

        var sources = ImmutableArray.CreateBuilder<IPNetwork>();
        for (var i = 0; i < (raw.TrustedHeaderSources?.Count ?? 0); i++)
        {
            if (IPNetwork.TryParse(raw.TrustedHeaderSources![i]?.Trim() ?? string.Empty, out var network))
            {
                sources.Add(network);
            }
            else
            {
                errors.Add($"consumers.trusted_header_sources[{i}]", $"'{raw.TrustedHeaderSources[i]}' is not a CIDR; write e.g. 10.0.0.0/8 or 127.0.0.1/32");
            }
        }

        if (header is not null && sources.Count == 0)
        {
            errors.Add("consumers.trusted_header_sources", "is required with trusted_identity_header: list the proxies allowed to set it (e.g. 127.0.0.1/32), or any client could claim any identity");
        }

        var cidrs = ImmutableArray.CreateBuilder<CidrConsumer>();
        for (var i = 0; i < (raw.Cidrs?.Count ?? 0); i++)
        {
            var entry = raw.Cidrs![i];
            if (!IPNetwork.TryParse(entry?.Cidr?.Trim() ?? string.Empty, out var network))
            {
                errors.Add($"consumers.cidrs[{i}].cidr", $"'{entry?.Cidr}' is not a CIDR; write e.g. 10.1.0.0/16");
                continue;
            }

            if (string.IsNullOrWhiteSpace(entry!.Consumer))
            {
                errors.Add($"consumers.cidrs[{i}].consumer", "names the consumer requests from this network are; it is required");
                continue;
            }

            cidrs.Add(new CidrConsumer(network, entry.Consumer.Trim()));
        }

        var routeNames = routes.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var policies = ImmutableDictionary.CreateBuilder<string, ConsumerPolicy>(StringComparer.Ordinal);
        for (var i = 0; i < (raw.Definitions?.Count ?? 0); i++)
        {
            var at = $"consumers.definitions[{i}]";
            var definition = raw.Definitions![i];
            if (string.IsNullOrWhiteSpace(definition?.Name))
            {
                errors.Add($"{at}.name", "is required");
                continue;
            }

            var name = definition.Name.Trim();
            var allowedRoutes = (definition.Routes ?? []).Select(r => (r ?? string.Empty).Trim()).ToImmutableHashSet(StringComparer.Ordinal);
            foreach (var route in allowedRoutes.Where(r => !routeNames.Contains(r)))
            {
                errors.Add($"{at}.routes", $"'{route}' is not a route name; use one of: {string.Join(", ", routeNames)}");
            }

            var models = (definition.Models ?? []).Select(m => (m ?? string.Empty).Trim()).Where(m => m.Length > 0).ToImmutableHashSet(StringComparer.Ordinal);
            var consumerPolicy = new ConsumerPolicy(name, allowedRoutes, models, ValidateLimits(definition.Limits, $"{at}.limits", errors))
            {
                DenyPatterns = new DenyPatternSet(CompilePatterns(definition.DenyPatterns, $"{at}.deny_patterns", "consumer.deny_patterns", $"consumer '{name}'", errors)),
                BlockEntities = (definition.BlockEntities ?? []).Select(e => (e ?? string.Empty).Trim().ToUpperInvariant()).Where(e => e.Length > 0).ToImmutableHashSet(StringComparer.Ordinal),
            };
            if (!policies.TryAdd(name, consumerPolicy))
            {
                errors.Add($"{at}.name", $"'{name}' is defined twice");
            }
        }

        var estimate = raw.CompletionTokenEstimate ?? ConsumerSettings.DefaultCompletionTokenEstimate;
        if (estimate < 0)
        {
            errors.Add("consumers.completion_token_estimate", "must be zero or more tokens");
        }

        return new ConsumerSettings(true, raw.AllowAnonymous ?? false, header, sources.ToImmutable(), cidrs.ToImmutable(), policies.ToImmutable(),
            ValidateLimits(raw.DefaultLimits, "consumers.default_limits", errors), estimate);
    }

    private static LimitSettings? ValidateLimits(RawLimits? raw, string at, Errors errors)
    {
        if (raw is null)
        {
            return null;
        }

        Check(raw.RequestsPerMinute, "requests_per_minute");
        Check(raw.TokensPerMinute, "tokens_per_minute");
        Check(raw.TokensPerDay, "tokens_per_day");
        Check(raw.TokensPerMonth, "tokens_per_month");
        var limits = new LimitSettings(raw.RequestsPerMinute, raw.TokensPerMinute, raw.TokensPerDay, raw.TokensPerMonth);
        return limits.IsEmpty ? null : limits;

        void Check(long? value, string name)
        {
            if (value is <= 0)
            {
                errors.Add($"{at}.{name}", "must be a positive number; leave it out for no limit");
            }
        }
    }
}
