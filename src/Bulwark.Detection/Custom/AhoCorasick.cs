using System.Buffers;

namespace Bulwark.Detection.Custom;

/// <summary>
/// Aho–Corasick automaton over UTF-16 characters. Children are stored as sorted runs in flat arrays (binary search per
/// step) and the root has a dense table, so 50,000 terms cost a few MB and the common case — text that matches
/// nothing — is a vectorised skip to the next possible first character.
/// </summary>
internal sealed class AhoCorasick
{
    private readonly bool _ignoreCase;
    private readonly int[] _root = new int[char.MaxValue + 1];
    private readonly int[] _childStart;
    private readonly int[] _childCount;
    private readonly char[] _labels;
    private readonly int[] _targets;
    private readonly int[] _fail;
    private readonly int[] _termLength;
    private readonly int[] _outputLink;

    public AhoCorasick(IEnumerable<string> terms, bool ignoreCase)
    {
        _ignoreCase = ignoreCase;

        // 1. Trie.
        var children = new List<Dictionary<char, int>> { new() };
        var lengths = new List<int> { 0 };
        var firsts = new HashSet<char>();
        foreach (var term in terms)
        {
            if (string.IsNullOrWhiteSpace(term))
            {
                continue;
            }

            var node = 0;
            foreach (var raw in term)
            {
                var c = Fold(raw);
                if (!children[node].TryGetValue(c, out var child))
                {
                    child = children.Count;
                    children.Add([]);
                    lengths.Add(0);
                    children[node][c] = child;
                }

                node = child;
            }

            lengths[node] = term.Length;
            var first = Fold(term[0]);
            firsts.Add(first);
            if (ignoreCase)
            {
                firsts.Add(char.ToUpperInvariant(first));
                firsts.Add(char.ToLowerInvariant(term[0]));
                firsts.Add(term[0]);
            }
        }

        if (children[0].Count == 0)
        {
            throw new ArgumentException("The keyword dictionary is empty; give at least one non-blank term.", nameof(terms));
        }

        FirstChars = SearchValues.Create([.. firsts]);
        var count = children.Count;
        _childStart = new int[count];
        _childCount = new int[count];
        _labels = new char[count - 1];
        _targets = new int[count - 1];
        _fail = new int[count];
        _termLength = [.. lengths];
        _outputLink = new int[count];

        // 2. Flatten children into sorted runs.
        var at = 0;
        for (var n = 0; n < count; n++)
        {
            _childStart[n] = at;
            _childCount[n] = children[n].Count;
            foreach (var (c, child) in children[n].OrderBy(p => p.Key))
            {
                _labels[at] = c;
                _targets[at] = child;
                at++;
            }
        }

        foreach (var (c, child) in children[0])
        {
            _root[c] = child;
        }

        // 3. Failure and output links, breadth first.
        var queue = new Queue<int>();
        foreach (var child in children[0].Values)
        {
            queue.Enqueue(child);
        }

        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var (c, child) in children[node])
            {
                var f = _fail[node];
                while (f != 0 && Child(f, c) < 0)
                {
                    f = _fail[f];
                }

                var target = f == 0 ? _root[c] : Child(f, c);
                _fail[child] = target == child ? 0 : target;
                _outputLink[child] = _termLength[_fail[child]] > 0 ? _fail[child] : _outputLink[_fail[child]];
                queue.Enqueue(child);
            }
        }
    }

    /// <summary>Every character a term can start with (both cases when matching ignores case).</summary>
    public SearchValues<char> FirstChars { get; }

    /// <summary>The state after reading <paramref name="raw"/> in <paramref name="state"/>.</summary>
    public int Step(int state, char raw)
    {
        var c = Fold(raw);
        while (state != 0)
        {
            var next = Child(state, c);
            if (next >= 0)
            {
                return next;
            }

            state = _fail[state];
        }

        return _root[c];
    }

    public bool IsTerminal(int state) => _termLength[state] > 0;

    /// <summary>Length of the term ending in <paramref name="state"/>.</summary>
    public int TermLength(int state) => _termLength[state];

    /// <summary>The next state on the failure chain that ends a term, or 0.</summary>
    public int OutputLink(int state) => _outputLink[state];

    private int Child(int node, char c)
    {
        var start = _childStart[node];
        var index = _labels.AsSpan(start, _childCount[node]).BinarySearch(c);
        return index >= 0 ? _targets[start + index] : -1;
    }

    private char Fold(char c) => _ignoreCase ? char.ToLowerInvariant(c) : c;
}
