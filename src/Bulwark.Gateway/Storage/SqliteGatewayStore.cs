using System.Data.Common;
using Bulwark.Gateway.Audit;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Bulwark.Gateway.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode (readers never block the writer; a crash loses no committed
/// transaction). <c>synchronous=NORMAL</c> is WAL's recommended setting: a power cut may lose the last commits, a
/// process crash loses none.
/// </summary>
internal sealed class SqliteGatewayStore(string path, TimeSpan busyTimeout) : SqlGatewayStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = Math.Max(1, (int)busyTimeout.TotalSeconds),
    }.ToString();

    public string Path => path;

    /// <summary>One row's INSERT with numbered placeholders, prepared once per batch and stepped once per event.</summary>
    private static readonly string AuditInsert = AuditInsertSql(1, n => $"?{n + 1}");

    /// <summary>
    /// Writes a batch in one transaction through SQLite's own statement API: the INSERT is prepared once per batch and
    /// each event's values are bound by position, text straight from .NET's UTF-16 strings. Through ADO.NET every
    /// value was boxed into a parameter whose name SQLite then looked up among all the statement's names, per row;
    /// that was most of the audit trail's cost per request.
    /// </summary>
    public override async Task WriteAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var connection = (SqliteConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var database = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(database, AuditInsert, out var statement), database);
        using (statement)
        {
            var binder = new StatementBinder(statement, database);
            foreach (var auditEvent in events)
            {
                BindAuditRow(auditEvent, ref binder);
                var result = raw.sqlite3_step(statement);
                if (result != raw.SQLITE_DONE)
                {
                    Check(result, database);
                }

                Check(raw.sqlite3_reset(statement), database);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Check(int result, sqlite3 database)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, database);
        }
    }

    private readonly struct StatementBinder(sqlite3_stmt statement, sqlite3 database) : IAuditRowBinder
    {
        public void Text(int column, string? value) =>
            Check(value is null ? raw.sqlite3_bind_null(statement, column + 1) : raw.sqlite3_bind_text16(statement, column + 1, value), database);

        public void Int32(int column, int value) => Check(raw.sqlite3_bind_int(statement, column + 1, value), database);

        public void Int64(int column, long? value) =>
            Check(value is { } v ? raw.sqlite3_bind_int64(statement, column + 1, v) : raw.sqlite3_bind_null(statement, column + 1), database);

        public void Double(int column, double? value) =>
            Check(value is { } v ? raw.sqlite3_bind_double(statement, column + 1, v) : raw.sqlite3_bind_null(statement, column + 1), database);
    }

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;" + Schema;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous=NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
