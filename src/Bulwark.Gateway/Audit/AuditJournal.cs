using Bulwark.Gateway.Buffers;

namespace Bulwark.Gateway.Audit;

/// <summary>
/// Makes the in-memory audit queue crash-safe. Every event is appended to the current journal file (no flush to disk:
/// the operating system keeps what was written if the process dies) within <see cref="WriteInterval"/> of being
/// queued. The writer rotates the journal before it takes a batch, and a rotated file is deleted once every event in
/// it has been committed to the store or the spool. Files left behind by a crash are replayed at start-up; the store
/// ignores request ids it already has, so a replay never counts an event twice.
/// </summary>
/// <remarks>
/// A request only copies its line into a shared buffer under a short lock. A journal thread writes the buffer: it
/// sleeps while there is nothing to write, and otherwise writes at most once per <see cref="WriteInterval"/>, one
/// system call for every line that arrived meanwhile. A write per request (even grouped among concurrent requests)
/// cost more gateway CPU than the audit store itself: on virtual machines a system call is dear. The price is a
/// window: a crash loses the events of requests that finished in the last few milliseconds, as it loses the
/// requests still in flight (an LLM call is in flight for seconds). At 1 ms the journal thread cost 2-3 µs of CPU per
/// request under load (a wake-up and a write a millisecond); at 5 ms, 1.3-1.4 µs.
/// </remarks>
internal sealed class AuditJournal : IDisposable
{
    /// <summary>How long a line waits, at most, before its write starts.</summary>
    public static readonly TimeSpan WriteInterval = TimeSpan.FromMilliseconds(5);

    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private const string Prefix = "audit-journal-";
    private const string Suffix = ".jsonl";

    private readonly string _directory;
    private readonly Action<Exception>? _writeFailed;
    private readonly Lock _gate = new();      // the pending buffer, the counters, the queue order
    private readonly Lock _fileGate = new();  // the file: held while writing, rotating or disposing
    private readonly Queue<(string Path, long EndCount)> _closed = new();
    private readonly SwapBuffer _pending = new(16 * 1024, Array.MaxLength);
    private readonly ManualResetEventSlim _hasPending = new(false);
    private readonly Thread _writer;
    private FileStream? _current;
    private string? _currentPath;
    private long _sequence;
    private long _appended;
    private long _committed;
    private byte[]? _retry;
    private bool _failing;
    private volatile bool _disposed;

    /// <param name="writeFailed">
    /// Told when writes start failing (the lines are kept and retried; told again only after a write has succeeded).
    /// Called on the journal's thread, never on the request path.
    /// </param>
    public AuditJournal(string directory, Action<Exception>? writeFailed = null)
    {
        _directory = directory;
        _writeFailed = writeFailed;
        Directory.CreateDirectory(directory);
        _sequence = DateTime.UtcNow.Ticks;
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "bulwark-audit-journal" };
        _writer.Start();
    }

    /// <summary>Files a previous process left behind (it crashed before committing their events).</summary>
    public IReadOnlyList<string> Leftovers() =>
        [.. Directory.GetFiles(_directory, Prefix + "*" + Suffix).Where(f => f != _currentPath && !_closed.Any(c => c.Path == f)).Order(StringComparer.Ordinal)];

    /// <summary>Appends the event, then runs <paramref name="enqueue"/> under the same lock so both see one order; returns what it returned.</summary>
    public bool Append(AuditEvent auditEvent, Func<AuditEvent, bool> enqueue)
    {
        var line = AuditJson.ToUtf8Line(auditEvent);
        bool wasEmpty, queued;
        lock (_gate)
        {
            wasEmpty = _pending.Length == 0;
            if (!_pending.TryAppend(line))
            {
                throw new InvalidOperationException("The audit journal's write buffer is full (2 GB unwritten): its disk is not taking writes.");
            }

            _appended++;
            queued = enqueue(auditEvent);
        }

        if (wasEmpty)
        {
            _hasPending.Set(); // wakes the journal thread only if it sleeps for want of lines
        }

        return queued;
    }

    private void WriteLoop()
    {
        while (!_disposed)
        {
            // Lines pending, or a failed write to retry (once a second, even with no new lines).
            _hasPending.Wait(_retry is null ? Timeout.InfiniteTimeSpan : RetryInterval);
            Thread.Sleep(WriteInterval); // let the lines of the next few milliseconds join this write
            lock (_fileGate)
            {
                ArraySegment<byte> lines;
                lock (_gate)
                {
                    lines = TakePendingLocked();
                }

                WriteOrKeep(lines);
            }
        }
    }

    /// <summary>Closes the current file; its events are the ones queued so far.</summary>
    public void Rotate()
    {
        lock (_fileGate)
        {
            lock (_gate) // nothing may slip between the write and the close
            {
                WriteOrKeep(TakePendingLocked());
                if (_current is null)
                {
                    return;
                }

                CloseCurrentLocked();
            }
        }
    }

    /// <summary>Takes every pending line. The caller holds both locks, or the buffer lock with the file lock.</summary>
    private ArraySegment<byte> TakePendingLocked()
    {
        var lines = _pending.Take();
        _hasPending.Reset(); // the buffer is empty now; the next append sets it again
        return lines;
    }

    /// <summary>
    /// Writes lines a failed write left, then <paramref name="lines"/>, opening a file if none is open. A write that
    /// fails keeps its lines for the next attempt and closes the file (a torn line in it is skipped on replay; a line
    /// written twice is an event the store already has). The caller holds the file lock.
    /// </summary>
    private void WriteOrKeep(ArraySegment<byte> lines)
    {
        if (lines.Count == 0 && _retry is null)
        {
            return;
        }

        try
        {
            if (_current is null)
            {
                _currentPath = Path.Combine(_directory, $"{Prefix}{Environment.ProcessId}-{_sequence++:D20}{Suffix}");
                _current = new FileStream(_currentPath, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
            }

            if (_retry is not null)
            {
                _current.Write(_retry);
                _retry = null;
            }

            _current.Write(lines);
            _failing = false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _retry = [.. _retry ?? [], .. lines]; // the taken buffer is reused by the next take: copy
            if (_current is not null)
            {
                lock (_gate)
                {
                    CloseCurrentLocked();
                }
            }

            if (!_failing)
            {
                _failing = true;
                _writeFailed?.Invoke(e);
            }
        }
    }

    /// <summary>Closes the current file, to be deleted once every event appended so far is committed. Holds the buffer lock.</summary>
    private void CloseCurrentLocked()
    {
        try
        {
            _current!.Dispose();
        }
        catch (IOException)
        {
            // Closing flushes nothing (the stream is unbuffered); the file is accounted for below all the same.
        }

        _closed.Enqueue((_currentPath!, _appended));
        _current = null;
        _currentPath = null;
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
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _hasPending.Set();
        _writer.Join();
        lock (_fileGate)
        {
            lock (_gate)
            {
                WriteOrKeep(TakePendingLocked());
                _current?.Dispose();
                _current = null;
            }
        }

        _hasPending.Dispose();
    }
}
