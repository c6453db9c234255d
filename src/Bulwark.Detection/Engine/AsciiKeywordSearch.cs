namespace Bulwark.Detection.Engine;

/// <summary>
/// Finds ASCII keywords in a text, ignoring ASCII case, at one table lookup per character. The detectors' anchor
/// searches (the injection prefilter's ~1,500 keywords, the secret rules' ~120 prefixes) run over every text that
/// passes the gateway, and nearly always find nothing. <c>SearchValues&lt;string&gt;</c> with that many needles is an
/// Aho–Corasick automaton that follows child and failure links as it reads; here the same automaton is compiled once
/// into a dense DFA, so a character costs a class lookup and a table load.
/// </summary>
/// <remarks>
/// The alphabet is the characters the keywords hold, folded to lower case; every other character, every non-ASCII one
/// included, is one class that no keyword contains. That is exact for ordinal ignore-case matching: it never folds a
/// non-ASCII character onto an ASCII one (tests hold this against <c>SearchValues</c>). States are numbered so that
/// the states where some keyword ends come last, which makes "found" one comparison; table entries are target states
/// already multiplied by the row width.
/// </remarks>
internal sealed class AsciiKeywordSearch
{
    private readonly byte[] _classOf = new byte[128];
    private readonly int[] _next;
    private readonly int _firstFound; // the first row offset of a state where a keyword ends
    private readonly int _width;
    private readonly int[] _depth; // by row offset / width: how many characters the state has matched
    private readonly bool[] _endsKeyword; // by row offset / width: a keyword ends exactly here (not only a suffix of it)
    private readonly int _longest;

    /// <summary>Compiles <paramref name="keywords"/>; each must be non-empty ASCII.</summary>
    public AsciiKeywordSearch(IEnumerable<string> keywords)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        string[] words = [.. keywords];
        if (words.Length == 0)
        {
            throw new ArgumentException("The keyword list is empty; give at least one keyword.", nameof(keywords));
        }

        // 1. The alphabet: class 0 is every character no keyword holds.
        int classes = 1;
        for (int index = 0; index < words.Length; index++)
        {
            string word = words[index];
            if (string.IsNullOrEmpty(word) || !System.Text.Ascii.IsValid(word))
            {
                throw new ArgumentException($"Keyword {index} is empty or not ASCII; this search takes ASCII keywords only.", nameof(keywords));
            }

            foreach (char c in word)
            {
                char lower = char.ToLowerInvariant(c);
                if (_classOf[lower] == 0)
                {
                    _classOf[lower] = (byte)classes;
                    _classOf[char.ToUpperInvariant(lower)] = (byte)classes;
                    classes++;
                }
            }

            _longest = Math.Max(_longest, word.Length);
        }

        _width = classes;

        // 2. The trie, over classes.
        var children = new List<int[]> { NewRow(classes) };
        var depth = new List<int> { 0 };
        var ends = new List<bool> { false };
        foreach (string word in words)
        {
            int node = 0;
            foreach (char c in word)
            {
                int cls = _classOf[c];
                if (children[node][cls] < 0)
                {
                    children[node][cls] = children.Count;
                    children.Add(NewRow(classes));
                    depth.Add(depth[node] + 1);
                    ends.Add(false);
                }

                node = children[node][cls];
            }

            ends[node] = true;
        }

        // 3. Failure links breadth first, filling in the DFA transitions and which states have matched a keyword.
        int count = children.Count;
        var delta = new int[count][];
        var found = new bool[count];
        var order = new List<int>(count) { 0 };
        var fail = new int[count];
        delta[0] = new int[classes];
        for (int cls = 0; cls < classes; cls++)
        {
            int child = children[0][cls];
            delta[0][cls] = child < 0 ? 0 : child;
        }

        for (int head = 0; head < order.Count; head++)
        {
            int node = order[head];
            for (int cls = 0; cls < classes; cls++)
            {
                int child = children[node][cls];
                if (child < 0)
                {
                    continue;
                }

                fail[child] = node == 0 ? 0 : delta[fail[node]][cls];
                found[child] = ends[child] || found[fail[child]];
                delta[child] = new int[classes];
                for (int c = 0; c < classes; c++)
                {
                    int grandchild = children[child][c];
                    delta[child][c] = grandchild >= 0 ? grandchild : delta[fail[child]][c];
                }

                order.Add(child);
            }
        }

        // 4. Renumber: the states where a keyword has matched last; the root stays 0.
        var renumbered = new int[count];
        int id = 0;
        foreach (int node in order.Where(n => !found[n]))
        {
            renumbered[node] = id++;
        }

        int firstFound = id;
        foreach (int node in order.Where(n => found[n]))
        {
            renumbered[node] = id++;
        }

        _next = new int[count * classes];
        _depth = new int[count];
        _endsKeyword = new bool[count];
        foreach (int node in order)
        {
            int row = renumbered[node];
            for (int cls = 0; cls < classes; cls++)
            {
                _next[row * classes + cls] = renumbered[delta[node][cls]] * classes;
            }

            _depth[row] = depth[node];
            _endsKeyword[row] = ends[node];
        }

        _firstFound = firstFound * classes;
    }

    /// <summary>How many states the automaton has (for tests and sizing).</summary>
    internal int StateCount => _depth.Length;

    /// <summary>Does <paramref name="text"/> hold any keyword, ignoring case?</summary>
    public bool ContainsAny(ReadOnlySpan<char> text) => FirstEnd(text) >= 0;

    /// <summary>
    /// The index of the first keyword occurrence in <paramref name="text"/>, by where it starts, ignoring case; -1
    /// when there is none. The same answer as <c>SearchValues.Create(keywords, OrdinalIgnoreCase)</c> gives.
    /// </summary>
    public int IndexOfAny(ReadOnlySpan<char> text)
    {
        int end = FirstEnd(text);
        if (end < 0)
        {
            return -1;
        }

        // The first occurrence to end starts within one keyword length of its end. An occurrence that starts earlier
        // would end later (else the scan had stopped at it), so it too starts in this window: the first start in the
        // window that begins a whole keyword is the answer.
        for (int start = Math.Max(0, end - _longest + 1); start <= end; start++)
        {
            if (StartsKeyword(text, start))
            {
                return start;
            }
        }

        throw new InvalidOperationException("A keyword ended with none starting before it: the automaton is inconsistent.");
    }

    /// <summary>The index of the last character of the first keyword occurrence to end, or -1.</summary>
    private int FirstEnd(ReadOnlySpan<char> text)
    {
        byte[] classOf = _classOf;
        int[] next = _next;
        int firstFound = _firstFound;
        int state = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            int cls = c < 128 ? classOf[c] : 0;
            state = next[state + cls];
            if (state >= firstFound)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Does a whole keyword start at <paramref name="start"/>? Follows trie edges only (each one a step deeper).</summary>
    private bool StartsKeyword(ReadOnlySpan<char> text, int start)
    {
        int row = 0;
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            int cls = c < 128 ? _classOf[c] : 0;
            int target = _next[row * _width + cls] / _width;
            if (_depth[target] != _depth[row] + 1)
            {
                return false;
            }

            row = target;
            if (_endsKeyword[row])
            {
                return true;
            }
        }

        return false;
    }

    private static int[] NewRow(int classes)
    {
        var row = new int[classes];
        Array.Fill(row, -1);
        return row;
    }
}
