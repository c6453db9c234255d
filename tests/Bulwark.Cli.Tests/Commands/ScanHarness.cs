using System.CommandLine;
using System.Text;
using Bulwark.Cli.Commands;

namespace Bulwark.Cli.Tests.Commands;

/// <summary>What one invocation of <c>bulwark scan</c> produced.</summary>
internal sealed record ScanRun(int Exit, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Runs the real <c>scan</c> verb in-process through a root command, with its own stdin, stdout and stderr.</summary>
internal static class ScanHarness
{
    // Values the detectors must find. They are fake (not live keys), but pass the format and checksum checks.
    public const string AwsKey = "AKIAZ7QW3ERT5YUI2OPA";
    public const string Email = "jane.doe@fabrikam.net";
    public const string Card = "4111 1111 1111 1111";

    public static ScanRun Run(string? stdin, params string[] args)
    {
        var root = new RootCommand { new ScanCommand(() => new StringReader(stdin ?? string.Empty)) };
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var exit = root.Parse(["scan", .. args]).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return new ScanRun(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A PEM private key block with a random (seeded) body of <paramref name="lines"/> 64-character lines.</summary>
    public static string PemKey(int lines, int seed = 7)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var random = new Random(seed);
        var pem = new StringBuilder("-----BEGIN RSA PRIVATE KEY-----\n");
        for (var i = 0; i < lines; i++)
        {
            for (var c = 0; c < 64; c++)
            {
                pem.Append(alphabet[random.Next(alphabet.Length)]);
            }

            pem.Append('\n');
        }

        return pem.Append("-----END RSA PRIVATE KEY-----").ToString();
    }
}

/// <summary>A scratch directory under the working directory (so reports name it by a relative path), deleted after the test.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory()
    {
        Name = "scan-" + Guid.NewGuid().ToString("N")[..12];
        FullPath = Path.Combine(Environment.CurrentDirectory, Name);
        Directory.CreateDirectory(FullPath);
    }

    /// <summary>The directory's path relative to the working directory.</summary>
    public string Name { get; }

    public string FullPath { get; }

    public string Write(string relativePath, string content)
    {
        var path = Path.Combine(FullPath, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteBytes(string relativePath, byte[] content)
    {
        var path = Path.Combine(FullPath, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(FullPath, recursive: true);
}
