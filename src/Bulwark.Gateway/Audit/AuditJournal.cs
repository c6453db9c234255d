using System.Text;

namespace Bulwark.Gateway.Audit;

/// <summary>
/// Makes the in-memory audit queue crash-safe. Every event is appended to the current journal file (one write, no
/// flush to disk: the operating system keeps it if the process dies) before it is queued. The writer rotates the
/// journal before it takes a batch, and a rotated file is deleted once every event in it has been committed to the
/// store or the spool. Files left behind by a crash are replayed at start-up; the store ignores request ids it already
/// has, so a replay never counts an event twice.
/// </summary>
internal sealed class AuditJournal : IDisposable
{
    private const string Prefix = "audit-journal-";
    private const string Suffix = ".jsonl";

    private readonly string _directory;
    private readonly Lock _gate = new();
    private readonly Queue<(string Path, long EndCount)> _closed = new();
    private FileStream? _current;
    private string? _currentPath;
    private long _sequence;
    private long _appended;
    private long _committed;

    public AuditJournal(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        _sequence = DateTime.UtcNow.Ticks;
    }

    /// <summary>Files a previous process left behind (it crashed before committing their events).</summary>
    public IReadOnlyList<string> Leftovers() =>
        [.. Directory.GetFiles(_directory, Prefix + "*" + Suffix).Where(f => f != _currentPath && !_closed.Any(c => c.Path == f)).Order(StringComparer.Ordinal)];

    /// <summary>Appends the event, then runs <paramref name="enqueue"/> under the same lock so both see one order.</summary>
    public void Append(AuditEvent auditEvent, Action<AuditEvent> enqueue)
    {
        var line = Encoding.UTF8.GetBytes(AuditJson.ToLine(auditEvent) + "\n");
        lock (_gate)
        {
            if (_current is null)
            {
                _currentPath = Path.Combine(_directory, $"{Prefix}{Environment.ProcessId}-{_sequence++:D20}{Suffix}");
                _current = new FileStream(_currentPath, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
            }

            _current.Write(line);
            _appended++;
            enqueue(auditEvent);
        }
    }

    /// <summary>Closes the current file; its events are the ones queued so far.</summary>
    public void Rotate()
    {
        lock (_gate)
        {
            if (_current is null)
            {
                return;
            }

            _current.Dispose();
            _closed.Enqueue((_currentPath!, _appended));
            _current = null;
            _currentPath = null;
        }
    }

    /// <summary>Counts <paramref name="count"/> more events as committed (to the store or the spool) and deletes the files now fully committed.</summary>
    public void Committed(int count)
    {
        lock (_gate)
        {
            _committed += count;
            while (_closed.TryPeek(out var file) && file.EndCount <= _committed)
            {
                _closed.Dequeue();
                TryDelete(file.Path);
            }
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _current?.Dispose();
            _current = null;
        }
    }
}
