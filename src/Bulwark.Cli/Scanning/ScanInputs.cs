namespace Bulwark.Cli.Scanning;

/// <summary>One thing to scan: standard input, or a file that passed the size and binary checks.</summary>
internal sealed record ScanInput(ScanSource Source, string? FullPath);

/// <summary>
/// Expands the command line's paths into inputs, lazily and in a stable order: <c>-</c> is standard input, a file is
/// itself, a directory is every file under it (ordinal order) except under <c>.git</c>, <c>bin</c>, <c>obj</c> and
/// <c>node_modules</c>. Directory symlinks are not followed. Files found in directories are skipped when larger than
/// the size limit (with a note) or binary (a NUL byte in the first 8 KiB); a file named on the command line is always
/// read unless it is binary.
/// </summary>
internal sealed class ScanInputs(long maxFileBytes, TextWriter diagnostics, ScanTotals totals)
{
    private const int SniffBytes = 8192;

    private static readonly HashSet<string> SkippedDirectories = new(StringComparer.Ordinal) { ".git", "bin", "obj", "node_modules" };

    private static readonly EnumerationOptions OneLevel = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.None, // dotfiles (.env) are exactly where secrets hide
        ReturnSpecialDirectories = false,
    };

    public IEnumerable<ScanInput> Expand(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            yield return new ScanInput(ScanSource.Stdin, null);
            yield break;
        }

        foreach (var path in paths)
        {
            if (path == "-")
            {
                yield return new ScanInput(ScanSource.Stdin, null);
            }
            else if (File.Exists(path))
            {
                var full = Path.GetFullPath(path);
                if (IsBinary(full))
                {
                    totals.Skipped++;
                    diagnostics.WriteLine($"bulwark: skipped {DisplayPath(full)}: binary file (NUL byte in the first 8 KiB)");
                    continue;
                }

                yield return new ScanInput(new ScanSource(DisplayPath(full), IsStdin: false), full);
            }
            else if (Directory.Exists(path))
            {
                foreach (var input in Walk(Path.GetFullPath(path)))
                {
                    yield return input;
                }
            }
            else
            {
                totals.Errors++;
                diagnostics.WriteLine($"bulwark: {path}: no such file or directory");
            }
        }
    }

    private IEnumerable<ScanInput> Walk(string directory)
    {
        var pending = new Stack<string>();
        pending.Push(directory);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            var files = Directory.GetFiles(current, "*", OneLevel);
            Array.Sort(files, StringComparer.Ordinal);
            foreach (var file in files)
            {
                var info = new FileInfo(file);
                if (maxFileBytes > 0 && info.Length > maxFileBytes)
                {
                    totals.Skipped++;
                    diagnostics.WriteLine(
                        $"bulwark: skipped {DisplayPath(file)}: {info.Length} bytes is over --max-file-bytes {maxFileBytes} (name the file to scan it anyway, or raise the limit)");
                    continue;
                }

                if (IsBinary(file))
                {
                    totals.Skipped++;
                    continue;
                }

                yield return new ScanInput(new ScanSource(DisplayPath(file), IsStdin: false), file);
            }

            var directories = Directory.GetDirectories(current, "*", OneLevel);
            Array.Sort(directories, StringComparer.Ordinal);
            for (var i = directories.Length - 1; i >= 0; i--)
            {
                var sub = new DirectoryInfo(directories[i]);
                if (!SkippedDirectories.Contains(sub.Name) && sub.LinkTarget is null)
                {
                    pending.Push(sub.FullName);
                }
            }
        }
    }

    /// <summary>A NUL byte in the first 8 KiB, unless the file starts with a UTF-16 or UTF-32 byte order mark.</summary>
    private static bool IsBinary(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            Span<byte> head = stackalloc byte[SniffBytes];
            var read = stream.ReadAtLeast(head, SniffBytes, throwOnEndOfStream: false);
            head = head[..read];
            if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
                || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
            {
                return false;
            }

            return head.Contains((byte)0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // let the read report it as an error
        }
    }

    /// <summary>Relative to the working directory with forward slashes when under it; the full path otherwise.</summary>
    public static string DisplayPath(string fullPath)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, fullPath);
        if (Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith("../", StringComparison.Ordinal)
            || relative.StartsWith("..\\", StringComparison.Ordinal))
        {
            return fullPath.Replace('\\', '/');
        }

        return relative.Replace('\\', '/');
    }
}
