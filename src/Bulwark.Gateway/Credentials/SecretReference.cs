namespace Bulwark.Gateway.Credentials;

/// <summary>
/// A secret as the config names it: a literal, <c>${ENV_VAR}</c>, or <c>file:/path</c>. A file secret is re-read
/// when the file changes (checked at most once a second), so a mounted Kubernetes secret rotates without a restart.
/// <see cref="ToString"/> describes where the secret comes from and never what it is.
/// </summary>
internal abstract class SecretReference
{
    /// <summary>An optional secret whose variable is unset: the route injects no key for it.</summary>
    public static SecretReference Absent { get; } = new Literal(string.Empty, "absent");

    /// <summary>True for <see cref="Absent"/>.</summary>
    public bool IsAbsent => ReferenceEquals(this, Absent);

    /// <summary>The current value.</summary>
    public abstract string GetValue();

    /// <summary>Parses a config value. Returns null and an error message naming the fix when the secret cannot be read.</summary>
    public static SecretReference? Parse(string text, TimeProvider time, out string? error)
    {
        error = null;
        var value = text.Trim();
        if (value.StartsWith("${", StringComparison.Ordinal) && value.EndsWith('}'))
        {
            // ${NAME}, or ${NAME:-fallback} as in a shell. An empty fallback means "no key" (see IsAbsent).
            var name = value[2..^1];
            string? fallback = null;
            var dash = name.IndexOf(":-", StringComparison.Ordinal);
            if (dash >= 0)
            {
                fallback = name[(dash + 2)..];
                name = name[..dash];
            }

            var env = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrEmpty(env))
            {
                if (fallback is null)
                {
                    error = $"environment variable {name} is not set or empty; set it, or write ${{{name}:-}} to run without this key";
                    return null;
                }

                if (fallback.Length == 0)
                {
                    return Absent;
                }

                env = fallback;
            }

            return new Literal(env.Trim(), $"env:{name}");
        }

        if (value.StartsWith("file:", StringComparison.Ordinal))
        {
            var path = value["file:".Length..];
            var file = new FileSecret(path, time);
            if (!file.TryLoad(out error))
            {
                return null;
            }

            return file;
        }

        if (value.Length == 0)
        {
            error = "the key is empty";
            return null;
        }

        return new Literal(value, $"literal({value.Length} chars)");
    }

    private sealed class Literal(string value, string description) : SecretReference
    {
        public override string GetValue() => value;

        public override string ToString() => description;
    }

    private sealed class FileSecret(string path, TimeProvider time) : SecretReference
    {
        private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);
        private readonly Lock _gate = new();
        private string _value = string.Empty;
        private DateTime _lastWrite;
        private long _length;
        private long _nextCheck;

        public bool TryLoad(out string? error)
        {
            error = null;
            try
            {
                var info = new FileInfo(path);
                var text = File.ReadAllText(path).Trim();
                if (text.Length == 0)
                {
                    error = $"secret file {path} is empty";
                    return false;
                }

                _value = text;
                _lastWrite = info.LastWriteTimeUtc;
                _length = info.Length;
                _nextCheck = time.GetTimestamp() + (long)(CheckInterval.TotalSeconds * time.TimestampFrequency);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = $"secret file {path} cannot be read ({e.GetType().Name}); check the path and permissions";
                return false;
            }
        }

        public override string GetValue()
        {
            var now = time.GetTimestamp();
            if (now < Volatile.Read(ref _nextCheck))
            {
                return Volatile.Read(ref _value);
            }

            lock (_gate)
            {
                if (now >= _nextCheck)
                {
                    _nextCheck = now + (long)(CheckInterval.TotalSeconds * time.TimestampFrequency);
                    RefreshIfChanged();
                }

                return _value;
            }
        }

        private void RefreshIfChanged()
        {
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists || (info.LastWriteTimeUtc == _lastWrite && info.Length == _length))
                {
                    return; // a missing file mid-rotation keeps the last good key
                }

                var text = File.ReadAllText(path).Trim();
                if (text.Length > 0)
                {
                    Volatile.Write(ref _value, text);
                    _lastWrite = info.LastWriteTimeUtc;
                    _length = info.Length;
                }
            }
            catch (IOException)
            {
                // Kubernetes swaps secret files through a symlink; a read racing the swap keeps the last good key.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        public override string ToString() => $"file:{path}";
    }
}
