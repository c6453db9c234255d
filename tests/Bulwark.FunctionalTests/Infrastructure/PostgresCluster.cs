using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Bulwark.FunctionalTests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL cluster started from the Debian server binaries (<c>.ci/run</c> installs them): initdb
/// into a temp folder, trust authentication, loopback on a free port, its socket in the temp folder. As root, initdb
/// refuses to run, so the cluster runs as the <c>postgres</c> system user. Missing binaries fail the tests with
/// the fix, never skip them.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private const string Superuser = "bulwark";
    private string _bin = null!;
    private bool _asPostgresUser;

    public string DataDirectory { get; private set; } = null!;

    public int Port { get; private set; }

    public bool Running { get; private set; }

    public async Task InitializeAsync()
    {
        var initdb = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetFiles("/usr/lib/postgresql", "initdb", SearchOption.AllDirectories).Where(p => p.EndsWith("/bin/initdb", StringComparison.Ordinal)).OrderDescending().FirstOrDefault()
            : null;
        if (initdb is null)
        {
            throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin. Install them: apt-get install -y postgresql (.ci/run does).");
        }

        _bin = Path.GetDirectoryName(initdb)!;
        _asPostgresUser = Environment.UserName == "root";
        DataDirectory = Path.Combine(Path.GetTempPath(), "bulwark-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(DataDirectory);
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", DataDirectory], asPostgres: false);
        }

        Port = FreePort();
        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", Path.Combine(DataDirectory, "data"), "-A", "trust", "-U", Superuser, "--no-sync", "-E", "UTF8"], _asPostgresUser);
        await StartAsync();
    }

    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = Superuser, Database = database, Pooling = true }.ConnectionString;

    /// <summary>A fresh, empty database for one test.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task StartAsync()
    {
        var data = Path.Combine(DataDirectory, "data");
        await RunAsync(Path.Combine(_bin, "pg_ctl"),
            ["-D", data, "-l", Path.Combine(DataDirectory, "server.log"), "-w", "-t", "60",
             "-o", $"-p {Port} -k {DataDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start"], _asPostgresUser);
        Running = true;
        NpgsqlConnection.ClearAllPools(); // connections pooled before a restart are dead
    }

    public async Task StopAsync()
    {
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(DataDirectory, "data"), "-m", "fast", "-w", "-t", "60", "stop"], _asPostgresUser);
        Running = false;
        NpgsqlConnection.ClearAllPools();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (Running)
        {
            await StopAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string[] args, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var a in (string[])["-u", "postgres", "--", file])
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "postgres";
}
