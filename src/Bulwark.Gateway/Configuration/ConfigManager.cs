using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Configuration;

/// <summary>
/// Owns the live configuration snapshot. The file is watched (change notifications plus a slow poll, which also
/// catches Kubernetes' symlink swaps of mounted ConfigMaps); a change that validates is swapped in atomically, a
/// change that does not is logged with every error and the last good snapshot stays in force. Requests read
/// <see cref="Current"/> once and finish on that snapshot.
/// </summary>
internal sealed class ConfigManager : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DebounceDelay = TimeSpan.FromMilliseconds(100);

    private readonly string? _path;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _reloadGate = new();
    private readonly FileSystemWatcher? _watcher;
    private readonly ITimer? _pollTimer;
    private GatewayConfig _current;
    private byte[] _lastSeenHash;
    private int _generation;

    /// <summary>Loads the initial config; throws <see cref="ConfigException"/> listing every error when it is invalid.</summary>
    public ConfigManager(string? path, TimeProvider time, ILogger<ConfigManager> logger)
    {
        _path = path is null ? null : Path.GetFullPath(path);
        _time = time;
        _logger = logger;

        var result = _path is null ? ConfigLoader.LoadEmbeddedDefault(time) : ConfigLoader.LoadFile(_path, time);
        if (!result.Succeeded)
        {
            throw new ConfigException("The configuration is invalid; the gateway did not start:" + Environment.NewLine + result.Describe());
        }

        _current = result.Config!;
        _lastSeenHash = _path is null ? [] : HashFile(_path) ?? [];
        _generation = 1;

        if (_path is not null)
        {
            var directory = Path.GetDirectoryName(_path)!;
            // Only the config file's own name: watching the whole folder made every write to a file beside it (the
            // gateway's own log, say) re-read the config. The poll catches Kubernetes' ..data symlink swaps.
            _watcher = new FileSystemWatcher(directory, Path.GetFileName(_path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            _watcher.Changed += OnFileEvent;
            _watcher.Created += OnFileEvent;
            _watcher.Renamed += OnFileEvent;
            _watcher.EnableRaisingEvents = true;
            _pollTimer = time.CreateTimer(_ => TryReload(), null, PollInterval, PollInterval);
        }
    }

    /// <summary>The snapshot new requests use.</summary>
    public GatewayConfig Current => Volatile.Read(ref _current);

    /// <summary>Increases by one with every snapshot swapped in.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Raised after a new snapshot has been swapped in.</summary>
    public event Action<GatewayConfig>? Reloaded;

    /// <summary>
    /// Reads the file again if its content changed since the last attempt. Returns true when a new snapshot was
    /// swapped in.
    /// </summary>
    public bool TryReload()
    {
        if (_path is null)
        {
            return false;
        }

        lock (_reloadGate)
        {
            var hash = HashFile(_path);
            if (hash is null || hash.AsSpan().SequenceEqual(_lastSeenHash))
            {
                return false;
            }

            _lastSeenHash = hash;
            var result = ConfigLoader.LoadFile(_path, _time);
            if (!result.Succeeded)
            {
                GatewayLog.ConfigReloadRejected(_logger, _path, result.Errors.Length, result.Describe());
                return false;
            }

            var previous = Current;
            Volatile.Write(ref _current, result.Config!);
            var generation = Interlocked.Increment(ref _generation);
            if (!previous.Listen.Equals(result.Config!.Listen) || !previous.AdminListen.Equals(result.Config.AdminListen))
            {
                GatewayLog.ListenChangeNeedsRestart(_logger);
            }

            GatewayLog.ConfigReloaded(_logger, _path, generation, result.Config.Routes.Length);
            Reloaded?.Invoke(result.Config);
            return true;
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        // Editors write through temporary files and renames; let the writes settle, then compare content. A burst of
        // events schedules one reload.
        if (Interlocked.Exchange(ref _reloadScheduled, 1) == 0)
        {
            _ = Task.Delay(DebounceDelay, _time).ContinueWith(
                _ =>
                {
                    Volatile.Write(ref _reloadScheduled, 0);
                    TryReload();
                },
                TaskScheduler.Default);
        }
    }

    private int _reloadScheduled;

    /// <summary>How many times the config file has been read (start-up, watcher events, polls).</summary>
    internal int FileReads => Volatile.Read(ref _fileReads);

    private int _fileReads;

    private byte[]? HashFile(string path)
    {
        Interlocked.Increment(ref _fileReads);
        try
        {
            return SHA256.HashData(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // mid-write or briefly missing: the next event or poll tries again
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _pollTimer?.Dispose();
    }
}
