using Bulwark.Gateway.Buffers;

namespace Bulwark.Gateway.Audit;

/// <summary>
/// Makes the in-memory audit queue crash-safe. Every event is appended to the current journal file (no flush to disk:
/// the operating system keeps what was written if the process dies) as it is queued. The writer rotates the journal
/// before it takes a batch, and a rotated file is deleted once every event in it has been committed to the store or
/// the spool. Files left behind by a crash are replayed at start-up; the store ignores request ids it already has, so
/// a replay never counts an event twice.
/// </summary>
/// <remarks>
/// Writes are grouped without waiting: a request appends its line to a shared buffer and, if no write is under way,
/// writes the buffer itself; if one is, the request returns and the thread writing picks its line up on its next
/// pass. One system call then carries every line that arrived while the previous one ran, so under load requests
/// share writes instead of queueing on a lock around one write each, and no line waits longer than two writes.
/// </remarks>
internal sealed class AuditJournal : IDisposable
{
    private const string Prefix = "audit-journal-";
    private const string Suffix = ".jsonl";

    private readonly string _directory;
    private readonly Lock _gate = new();      // the pending buffer, the counters, the queue order
    private readonly Lock _fileGate = new();  // the file: held while writing, rotating or disposing
    private readonly Queue<(string Path, long EndCount)> _closed = new();
    private FileStream? _current;
    private string? _currentPath;
    private readonly SwapBuffer _pending = new(16 * 1024, Array.MaxLength);
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
        var line = AuditJson.ToUtf8Line(auditEvent);
        lock (_gate)
        {
            if (!_pending.TryAppend(line))
            {
                throw new InvalidOperationException("The audit journal's write buffer is full (2 GB unwritten): its disk is not taking writes.");
            }

            _appended++;
            enqueue(auditEvent);
        }

        // Write now unless another thread is writing; that thread takes this line on its next pass. The re-check after
        // releasing the file lock closes the gap where a line arrives just as the writer finds the buffer empty.
        while (_pending.Length > 0 && _fileGate.TryEnter())
        {
            try
            {
                WritePending();
            }
            finally
            {
                _fileGate.Exit();
            }
        }
    }

    /// <summary>Closes the current file; its events are the ones queued so far.</summary>
    public void Rotate()
    {
        lock (_fileGate)
        {
            lock (_gate)
            {
                WritePendingLocked();
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
    }

    /// <summary>Writes every pending line to the current file. The caller holds the file lock (not the buffer lock).</summary>
    private void WritePending()
    {
        while (true)
        {
            ArraySegment<byte> lines;
            lock (_gate)
            {
                if (_pending.Length == 0)
                {
                    return;
                }

                lines = _pending.Take();
                OpenFileIfNeeded();
            }

            _current!.Write(lines);
        }
    }

    /// <summary>Writes pending lines while holding both locks (rotation and shutdown: nothing may slip between files).</summary>
    private void WritePendingLocked()
    {
        if (_pending.Length == 0)
        {
            return;
        }

        OpenFileIfNeeded();
        _current!.Write(_pending.Take());
    }

    private void OpenFileIfNeeded()
    {
        if (_current is null)
        {
            _currentPath = Path.Combine(_directory, $"{Prefix}{Environment.ProcessId}-{_sequence++:D20}{Suffix}");
            _current = new FileStream(_currentPath, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
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
        lock (_fileGate)
        {
            lock (_gate)
            {
                WritePendingLocked();
                _current?.Dispose();
                _current = null;
            }
        }
    }
}
