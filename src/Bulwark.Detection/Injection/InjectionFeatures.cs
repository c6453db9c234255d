namespace Bulwark.Detection.Injection;

/// <summary>
/// The learned classifier's input: hashed word unigrams and bigrams of normalised text (see
/// <see cref="InjectionNormalizer"/>), each an index into a table of 2^<see cref="InjectionFeatureSet.Bits"/> weights.
/// A word is a run of letters and digits. CJK ideographs and kana separate words and yield nothing: the jailbreak CSV the
/// model learns from is English, and Chinese is left to the rules. With <see cref="InjectionFeatureSet.Symbols"/> every
/// other visible character (brackets, colons, emoji halves) is a word too. Walks the text once and allocates nothing;
/// the trainer and the detector both read features through this type, so what was trained is what runs. Only the first
/// <see cref="MaxWords"/> words count: that bounds the model's cost on a long document (a 64 KB window costs what ~6 KB
/// does), and beyond a few hundred words the length normalisation makes the score an average anyway.
/// </summary>
internal ref struct InjectionFeatures
{
    /// <summary>Words after this many are not read. Changing it changes the features: retrain the model.</summary>
    public const int MaxWords = 1024;

    private readonly ReadOnlySpan<char> _text;
    private readonly InjectionFeatureSet _set;
    private int _position;
    private uint _previous;
    private uint _pendingBigram;
    private bool _hasPrevious;
    private bool _hasPendingBigram;
    private int _words;

    public InjectionFeatures(ReadOnlySpan<char> normalised, InjectionFeatureSet set)
    {
        _text = normalised;
        _set = set;
    }

    /// <summary>How many words (unigrams) have been yielded so far.</summary>
    public readonly int Words => _words;

    /// <summary>The next feature's bucket; false at the end of the text. A word yields its unigram, then its bigram with the word before.</summary>
    public bool TryNext(out int bucket)
    {
        if (_hasPendingBigram)
        {
            _hasPendingBigram = false;
            bucket = Bucket(_pendingBigram);
            return true;
        }

        if (_words >= MaxWords || !TryNextWord(out uint word))
        {
            bucket = 0;
            return false;
        }

        if (_set.Bigrams && _hasPrevious)
        {
            _pendingBigram = Mix((_previous * 0x9E3779B1u) ^ (word + 0x7F4A7C15u));
            _hasPendingBigram = true;
        }

        _previous = word;
        _hasPrevious = true;
        _words++;
        bucket = Bucket(word);
        return true;
    }

    private readonly int Bucket(uint hash) => (int)(hash >> (32 - _set.Bits));

    /// <summary>FNV-1a over the word's characters, then a finaliser so that the high bits used as the bucket are well mixed.</summary>
    private bool TryNextWord(out uint hash)
    {
        ReadOnlySpan<char> text = _text;
        int i = _position;
        while (i < text.Length)
        {
            char c = text[i];
            if (IsWordChar(c))
            {
                uint h = 2166136261u;
                while (i < text.Length && IsWordChar(text[i]))
                {
                    h = (h ^ text[i]) * 16777619u;
                    i++;
                }

                _position = i;
                hash = Mix(h);
                return true;
            }

            i++;
            if (_set.Symbols && !char.IsWhiteSpace(c) && !IsCommonPunctuation(c) && !IsIdeograph(c))
            {
                _position = i;
                hash = Mix((2166136261u ^ c) * 16777619u ^ 0x5BD1E995u);
                return true;
            }
        }

        _position = i;
        hash = 0;
        return false;
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || (c >= 0x80 && char.IsLetterOrDigit(c) && !IsIdeograph(c));

    private static bool IsIdeograph(char c) => c is (>= '\u3040' and <= '\u30FF') or (>= '\u3400' and <= '\u9FFF') or (>= '\uF900' and <= '\uFAFF');

    private static bool IsCommonPunctuation(char c) => c is '.' or ',' or '\'' or '"' or '?' or '!' or '-' or '(' or ')' or ';';

    private static uint Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6Bu;
        h ^= h >> 13;
        h *= 0xC2B2AE35u;
        h ^= h >> 16;
        return h;
    }
}

/// <summary>Which features <see cref="InjectionFeatures"/> yields; saved with the weights, so a model reads its own kind.</summary>
internal readonly record struct InjectionFeatureSet(int Bits, bool Bigrams, bool Symbols)
{
    public int Buckets => 1 << Bits;
}
