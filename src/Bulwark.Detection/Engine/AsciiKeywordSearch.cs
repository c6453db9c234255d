namespace Bulwark.Detection.Engine;

/// <summary>
/// Finds ASCII keywords in a text, ignoring ASCII case, at one table lookup per character. The detectors' anchor
/// searches (the injection prefilter's ~1,500 keywords, the secret rules' ~120 prefixes) run over every text that
/// passes the gateway, and nearly always find nothing. <c>SearchValues&lt;string&gt;</c> with that many needles is an
/// Aho–Corasick automaton that follows child and failure links as it reads; here the same automaton is compiled once
/// into a dense DFA, so a character costs a class lookup and a table load.
/// </summary>
/// <remarks>
/// <para>
/// The alphabet is the characters the keywords hold, folded to lower case; every other character, every non-ASCII one
/// included, is one class that no keyword contains. That is exact for ordinal ignore-case matching: it never folds a
/// non-ASCII character onto an ASCII one (tests hold this against <c>SearchValues</c>). States are numbered breadth
/// first, with the states where some keyword ends last, which makes "found" one comparison.
/// </para>
/// <para>
/// The layout is for a cache that the rest of a request has just filled with other things. In the gateway a text
/// costs one cache miss per table line it touches, not a few cycles per character: 373 characters of an ordinary
/// chat touch ~200 lines. So entries are 16-bit state numbers, a row is a power of two wide (a shift, not a
/// multiply), and classes are numbered by how often the character occurs in text (space, then letters by English
/// frequency), so a row's common transitions share its first line and shallow states, the ones ordinary text visits,
/// sit together at the top of the table.
/// </para>
/// </remarks>
internal sealed class AsciiKeywordSearch
{
    /// <summary>Characters in the order their classes are numbered: the most frequent in text first.</summary>
    private const string ByFrequency = " etaoinshrdlcumwfgypbvkjxqz.,'-:";

    private readonly byte[] _classOf = new byte[128];
    private readonly ushort[] _next; // [(state << _shift) | class]
    private readonly int _shift;
    private readonly int _firstFound; // the first state where a keyword has ended
    private readonly int[] _depth; // by state: how many characters the state has matched
    private readonly bool[] _endsKeyword; // by state: a keyword ends exactly here (not only a suffix of it)
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

        // 1. The alphabet: class 0 is every character no keyword holds; the others by frequency, then by code.
        var used = new SortedSet<char>();
        for (int index = 0; index < words.Length; index++)
        {
            string word = words[index];
            if (string.IsNullOrEmpty(word) || !System.Text.Ascii.IsValid(word))
            {
                throw new ArgumentException($"Keyword {index} is empty or not ASCII; this search takes ASCII keywords only.", nameof(keywords));
            }

            foreach (char c in word)
            {
                used.Add(char.ToLowerInvariant(c));
            }

            _longest = Math.Max(_longest, word.Length);
        }

        int classes = 1;
        foreach (char c in used.OrderBy(c => ByFrequency.Contains(c, StringComparison.Ordinal) ? ByFrequency.IndexOf(c, StringComparison.Ordinal) : ByFrequency.Length + c))
        {
            _classOf[c] = (byte)classes;
            _classOf[char.ToUpperInvariant(c)] = (byte)classes;
            classes++;
        }

        _shift = 1;
        while (1 << _shift < classes)
        {
            _shift++;
        }

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

        if (count > ushort.MaxValue + 1)
        {
            throw new ArgumentException($"The keywords make {count} automaton states; this search holds at most {ushort.MaxValue + 1}. Use fewer or shorter keywords.", nameof(keywords));
        }

        _next = new ushort[count << _shift];
        _depth = new int[count];
        _endsKeyword = new bool[count];
        foreach (int node in order)
        {
            int row = renumbered[node];
            for (int cls = 0; cls < classes; cls++)
            {
                _next[(row << _shift) | cls] = (ushort)renumbered[delta[node][cls]];
            }

            _depth[row] = depth[node];
            _endsKeyword[row] = ends[node];
        }

        _firstFound = firstFound;
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
        ushort[] next = _next;
        int shift = _shift;
        int firstFound = _firstFound;
        int state = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            int cls = c < 128 ? classOf[c] : 0;
            state = next[(state << shift) | cls];
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
            int target = _next[(row << _shift) | cls];
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
