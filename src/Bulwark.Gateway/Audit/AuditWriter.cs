using System.Threading.Channels;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Audit;

/// <summary>
/// Writes the audit trail off the request path. Requests hand their event to a bounded in-memory queue (never
/// waiting); one background loop takes up to <c>batch_size</c> events, or what arrived within
/// <c>flush_interval_ms</c>, and writes them to the store in one transaction. When the store fails, the batch goes
/// to the spool file and the loop retries the store with backoff; when it answers again, the spool is replayed first.
/// On shutdown the queue is drained to the store or the spool. Retention is applied once an hour.
/// </summary>
internal sealed class AuditWriter : IHostedService, IAsyncDisposable
{
    private const int QueueCapacity = 100_000;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetentionInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan CounterRetention = TimeSpan.FromDays(62);

    private readonly IAuditSink _sink;
    private readonly IGatewayStore? _store;
    private readonly AuditSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AuditSpool _spool;
    private readonly Channel<AuditEvent> _queue = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait, // TryWrite fails instead of dropping; the event then goes to the spool
    });

    private Task? _loop;
    private ITimer? _retentionTimer;
    private bool _storeReady;
    private DateTimeOffset _retryAt;
    private TimeSpan _backoff = TimeSpan.FromMilliseconds(200);
    private long _written;
    private long _spooled;

    public AuditWriter(IAuditSink sink, AuditSettings settings, TimeProvider time, ILogger<AuditWriter> logger)
    {
        _sink = sink;
        _store = sink as IGatewayStore;
        _settings = settings;
        _time = time;
        _logger = logger;
        _spool = new AuditSpool(settings.SpoolDirectory);
        _enqueue = _queue.Writer.TryWrite;
        _journal = settings.Enabled && settings.Journal
            ? new AuditJournal(settings.SpoolDirectory, e => AuditLog.JournalWriteFailed(logger, e.GetType().Name))
            : null;
    }

    private readonly AuditJournal? _journal;

    /// <summary>Queues an event; one delegate for every request, not a closure each.</summary>
    private readonly Func<AuditEvent, bool> _enqueue;

    /// <summary>Events written to the store so far (replays included).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Events that went to the spool file so far.</summary>
    public long Spooled => Interlocked.Read(ref _spooled);

    public string SpoolFile => _spool.FilePath;

    /// <summary>Queues an event. Never blocks: when the queue is full the event is spooled straight to disk.</summary>
    public void Record(AuditEvent auditEvent)
    {
        if (!_settings.Enabled)
        {
            return;
        }

        if (_journal is null)
        {
            if (!_queue.Writer.TryWrite(auditEvent))
            {
                SpoolSafely([auditEvent]);
            }

            return;
        }

        if (!_journal.Append(auditEvent, _enqueue) && SpoolSafely([auditEvent]))
        {
            // Queue full (a backlog of 100,000): the event is durable in the spool now. Under such a backlog the
            // journal's file accounting can run ahead of the queue by these events; a crash then still has the spool.
            _journal.Committed(1);
        }
    }

    private readonly CancellationTokenSource _stop = new();
    private volatile bool _stopping;

    /// <summary>No more events: the loop stops waiting out its flush window and writes what is queued.</summary>
    private void Stop()
    {
        _stopping = true;
        _queue.Writer.TryComplete();
        _stop.Cancel();
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Events a crashed process had journaled but not committed: into the spool, which the replay below writes.
        if (_journal is not null)
        {
            foreach (var file in _journal.Leftovers())
            {
                var events = ReadJournal(file);
                if (events.Count == 0 || SpoolSafely(events))
                {
                    AuditJournal.TryDelete(file);
                }
            }
        }

        // Create the tables before the first request needs keys or counters. A store that is down now is retried by the loop.
        await TryReplayAsync().ConfigureAwait(false);
        _loop = Task.Run(RunAsync, CancellationToken.None);
        _retentionTimer = _time.CreateTimer(_ => _ = ApplyRetentionAsync(), null, TimeSpan.FromSeconds(5), RetentionInterval);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Stop();
        if (_loop is { } loop)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes audit events older than <c>retention_days</c> and limit counters older than two months.</summary>
    public async Task<int> ApplyRetentionAsync()
    {
        if (_store is null)
        {
            return 0;
        }

        try
        {
            var now = _time.GetUtcNow();
            var deleted = await _store.DeleteAuditBeforeAsync(now.AddDays(-_settings.RetentionDays), CancellationToken.None).ConfigureAwait(false);
            await _store.DeleteCountersBeforeAsync((now - CounterRetention).ToUnixTimeMilliseconds(), CancellationToken.None).ConfigureAwait(false);
            if (deleted > 0)
            {
                AuditLog.RetentionApplied(_logger, deleted, _settings.RetentionDays);
            }

            return deleted;
        }
        catch (Exception e)
        {
            AuditLog.RetentionFailed(_logger, e.GetType().Name);
            return 0;
        }
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<AuditEvent>(_settings.BatchSize);
        while (true)
        {
            if (!await WaitForEventsAsync(reader).ConfigureAwait(false))
            {
                break;
            }

            // A batch: whatever arrived within flush_interval of the first event, up to batch_size. The writer sleeps
            // out the window instead of waking for every event: one wake-up per batch, not one per request.
            if (reader.CanCount && reader.Count < _settings.BatchSize && !_stopping)
            {
                try
                {
                    await Task.Delay(_settings.FlushInterval, _time, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // shutting down: write what is queued now
                }
            }

            // Events queued from here on go to a new journal file; the closed ones are deleted once committed.
            _journal?.Rotate();
            while (batch.Count < _settings.BatchSize && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            if (await WriteBatchAsync(batch).ConfigureAwait(false))
            {
                _journal?.Committed(batch.Count); // their journal files can go
            }

            batch = new List<AuditEvent>(_settings.BatchSize);
        }

        // Shutdown: a last attempt to empty the spool into the store.
        await TryReplayAsync().ConfigureAwait(false);
    }

    /// <summary>Waits for events; while the spool holds some, wakes every second to retry the store.</summary>
    private async Task<bool> WaitForEventsAsync(ChannelReader<AuditEvent> reader)
    {
        while (true)
        {
            if (!_spool.HasEvents)
            {
                return await reader.WaitToReadAsync().ConfigureAwait(false);
            }

            using var wake = new CancellationTokenSource(TimeSpan.FromSeconds(1), _time);
            try
            {
                return await reader.WaitToReadAsync(wake.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (_time.GetUtcNow() >= _retryAt)
                {
                    await TryReplayAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Writes a batch to the store, or to the spool when the store is down. False when neither took it.</summary>
    private async Task<bool> WriteBatchAsync(List<AuditEvent> batch)
    {
        if (batch.Count == 0)
        {
            return true;
        }

        if (_time.GetUtcNow() < _retryAt || !await TryReplayAsync().ConfigureAwait(false))
        {
            return SpoolSafely(batch);
        }

        try
        {
            await _sink.WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Add(ref _written, batch.Count);
            _backoff = TimeSpan.FromMilliseconds(200);
            return true;
        }
        catch (Exception e)
        {
            StoreFailed(e);
            return SpoolSafely(batch);
        }
    }

    /// <summary>Makes sure the store is ready and the spool is empty. False when the store is still unavailable.</summary>
    private async Task<bool> TryReplayAsync()
    {
        try
        {
            if (!_storeReady && _store is not null)
            {
                await _store.InitializeAsync(CancellationToken.None).ConfigureAwait(false);
            }

            _storeReady = true;
            if (_spool.HasEvents)
            {
                var (replayed, unreadable) = await _spool.ReplayAsync(async events =>
                {
                    await _sink.WriteAsync(events, CancellationToken.None).ConfigureAwait(false);
                    Interlocked.Add(ref _written, events.Count);
                }, _settings.BatchSize).ConfigureAwait(false);
                AuditLog.SpoolReplayed(_logger, replayed, unreadable);
            }

            return true;
        }
        catch (Exception e)
        {
            StoreFailed(e);
            return false;
        }
    }

    private void StoreFailed(Exception e)
    {
        _storeReady = false;
        _retryAt = _time.GetUtcNow() + _backoff;
        AuditLog.StoreUnavailable(_logger, e.GetType().Name, _backoff.TotalMilliseconds);
        _backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, _backoff.Ticks * 2));
    }

    /// <summary>Returns false when the events could be written nowhere (and says so, loudly).</summary>
    private bool SpoolSafely(IReadOnlyList<AuditEvent> events)
    {
        try
        {
            _spool.Append(events);
            Interlocked.Add(ref _spooled, events.Count);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            AuditLog.EventsLost(_logger, events.Count, e.GetType().Name);
            return false;
        }
    }

    private static List<AuditEvent> ReadJournal(string file)
    {
        var events = new List<AuditEvent>();
        foreach (var line in File.ReadLines(file))
        {
            try
            {
                if (line.Length > 0 && AuditJson.FromLine(line) is { } e)
                {
                    events.Add(e);
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // A line torn by the crash: the rest are still good.
            }
        }

        return events;
    }

    public async ValueTask DisposeAsync()
    {
        Stop();
        if (_retentionTimer is not null)
        {
            await _retentionTimer.DisposeAsync().ConfigureAwait(false);
        }

        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        _journal?.Dispose();
    }
}

internal static partial class AuditLog
{
    [LoggerMessage(30, LogLevel.Warning, "Audit store unavailable ({ExceptionType}); events are spooled to disk, next attempt in {BackoffMs} ms")]
    public static partial void StoreUnavailable(ILogger logger, string exceptionType, double backoffMs);

    [LoggerMessage(31, LogLevel.Information, "Audit spool replayed: {Replayed} event(s) written, {Unreadable} unreadable line(s) skipped")]
    public static partial void SpoolReplayed(ILogger logger, int replayed, int unreadable);

    [LoggerMessage(32, LogLevel.Critical, "{Count} audit event(s) lost: neither the store nor the spool file could be written ({ExceptionType})")]
    public static partial void EventsLost(ILogger logger, int count, string exceptionType);

    [LoggerMessage(33, LogLevel.Information, "Audit retention: deleted {Deleted} event(s) older than {RetentionDays} day(s)")]
    public static partial void RetentionApplied(ILogger logger, int deleted, int retentionDays);

    [LoggerMessage(34, LogLevel.Warning, "Audit retention could not run ({ExceptionType}); it is retried in an hour")]
    public static partial void RetentionFailed(ILogger logger, string exceptionType);

    [LoggerMessage(35, LogLevel.Error, "Audit journal write failed ({ExceptionType}): queued events are not crash-safe until it succeeds; retried every second")]
    public static partial void JournalWriteFailed(ILogger logger, string exceptionType);
}
