using Bulwark.Gateway.Audit;

namespace Bulwark.Gateway.Tests.Operations;

public sealed class AuditJournalTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("bulwark-journal-");

    public void Dispose() => _directory.Delete(recursive: true);

    private static AuditEvent Event(string id) => new()
    {
        Time = DateTimeOffset.UnixEpoch,
        RequestId = id,
        Decision = "allowed",
    };

    private string[] JournalLines() =>
        [.. Directory.GetFiles(_directory.FullName, "audit-journal-*.jsonl").SelectMany(File.ReadLines).Where(l => l.Length > 0)];

    [Fact]
    public void Append_FromManyThreadsWhileRotating_WritesEveryEventExactlyOnce()
    {
        using var journal = new AuditJournal(_directory.FullName);
        var queued = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var rotations = 0;
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            journal.Append(Event($"req-{i}"), e => { queued.Enqueue(e.RequestId); return true; });
            if (i % 500 == 0)
            {
                journal.Rotate(); // while other threads append
                Interlocked.Increment(ref rotations);
            }
        });
        journal.Rotate();

        var written = JournalLines().Select(l => AuditJson.FromLine(l)!.RequestId).ToList();
        written.Count.ShouldBe(20_000);
        written.Distinct().Count().ShouldBe(20_000);
        written.Order(StringComparer.Ordinal).ShouldBe(queued.Order(StringComparer.Ordinal));
        Directory.GetFiles(_directory.FullName, "audit-journal-*.jsonl").Length.ShouldBeGreaterThan(1);
        rotations.ShouldBe(40);
    }

    [Fact]
    public void Committed_DeletesOnlyFilesWhoseEventsAreAllCommitted()
    {
        using var journal = new AuditJournal(_directory.FullName);
        for (var i = 0; i < 3; i++)
        {
            journal.Append(Event($"a-{i}"), _ => true);
        }

        journal.Rotate(); // file 1: events 1..3
        for (var i = 0; i < 2; i++)
        {
            journal.Append(Event($"b-{i}"), _ => true);
        }

        journal.Rotate(); // file 2: events 4..5

        journal.Committed(2);
        JournalLines().Length.ShouldBe(5); // file 1 still holds an uncommitted event

        journal.Committed(1);
        JournalLines().ShouldAllBe(l => l.Contains("\"b-", StringComparison.Ordinal));

        journal.Committed(2);
        JournalLines().ShouldBeEmpty();
    }

    [Fact]
    public void Dispose_WritesWhatIsPending_SoAFileLeftBehindHoldsEveryAppendedEvent()
    {
        var journal = new AuditJournal(_directory.FullName);
        for (var i = 0; i < 100; i++)
        {
            journal.Append(Event($"req-{i}"), _ => true);
        }

        journal.Dispose();

        var restarted = new AuditJournal(_directory.FullName);
        restarted.Leftovers().SelectMany(File.ReadLines).Count(l => l.Length > 0).ShouldBe(100);
        restarted.Dispose();
    }

    [Fact]
    public async Task Append_ReachesTheFileWithinAFewMilliseconds_WithoutARotationOrDispose()
    {
        using var journal = new AuditJournal(_directory.FullName);
        journal.Append(Event("req-1"), _ => true);

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (JournalLines().Length == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        JournalLines().Select(l => AuditJson.FromLine(l)!.RequestId).ShouldBe(["req-1"]);
    }

    [Fact]
    public async Task AFailedWrite_IsReportedOnce_AndItsLinesAreWrittenWhenTheDiskTakesWritesAgain()
    {
        var failures = 0;
        using var journal = new AuditJournal(_directory.FullName, _ => Interlocked.Increment(ref failures));
        _directory.Delete(recursive: true); // the journal cannot open a file now
        for (var i = 0; i < 10; i++)
        {
            journal.Append(Event($"req-{i}"), _ => true);
        }

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Volatile.Read(ref failures) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Volatile.Read(ref failures).ShouldBe(1);
        journal.Append(Event("req-10"), _ => true); // fails again: not reported again
        await Task.Delay(50);
        Volatile.Read(ref failures).ShouldBe(1);

        _directory.Create();
        deadline = DateTime.UtcNow.AddSeconds(5); // retried within a second, with no new line needed
        while (JournalLines().Length < 11 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        JournalLines().Select(l => AuditJson.FromLine(l)!.RequestId).Order(StringComparer.Ordinal)
            .ShouldBe(Enumerable.Range(0, 11).Select(i => $"req-{i}").Order(StringComparer.Ordinal));
    }
}
