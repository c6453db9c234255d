using System.Buffers;
using System.Buffers.Binary;

namespace Bulwark.Detection.Injection;

/// <summary>
/// The learned part of the injection score: a logistic regression over hashed word unigrams and bigrams of normalised
/// text (<see cref="InjectionFeatures"/>). A feature's value is its count divided by √n, n the number of features in
/// the text, and beyond <see cref="LengthKnee"/> features by n / √knee: the sum of a long document's weights then
/// grows no faster than its length, so a long article's score does not drift up with its length. Weights are
/// quantised to <see cref="sbyte"/> with one scale and embedded in this assembly (<see cref="ResourceName"/>); the
/// trainer, <c>bench/Bulwark.InjectionEval -- --train</c>, rebuilds them deterministically from the tuning half of the
/// jailbreak CSV and the team corpus. Scoring walks the text once and allocates nothing.
/// <para>
/// The model enters the score as one more weighted hit (<see cref="HitWeight"/>): its probability when that reaches
/// <see cref="Floor"/>, at most <see cref="Cap"/>, and nothing below the floor, so a faint opinion adds no noise. It
/// says nothing about texts of fewer than <see cref="MinWords"/> words: a bag of a few words is too little evidence,
/// and short texts are where benign look-alikes of attacks live (and where the rules are at their best).
/// </para>
/// </summary>
internal sealed class InjectionClassifier
{
    /// <summary>The embedded model's logical resource name.</summary>
    public const string ResourceName = "Bulwark.Detection.Injection.injection-classifier.bin";

    /// <summary>The rule id <see cref="PromptInjectionDetector.Explain"/> reports when the model contributes.</summary>
    public const string RuleId = "learned.classifier";

    private const uint Magic = 0x43495742; // "BWIC", little endian
    private const int FormatVersion = 1;
    private const int HeaderBytes = 4 + 4 + 4 + (6 * 4);

    private readonly sbyte[] _weights;

    public InjectionClassifier(InjectionFeatureSet features, sbyte[] weights, float scale, float bias, int lengthKnee, int minWords, float floor, float cap)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (features.Bits is < 8 or > 24 || weights.Length != features.Buckets)
        {
            throw new ArgumentException($"A model with {features.Bits} bits needs {features.Buckets} weights, not {weights.Length}.", nameof(weights));
        }

        Features = features;
        _weights = weights;
        Scale = scale;
        Bias = bias;
        LengthKnee = lengthKnee;
        MinWords = minWords;
        Floor = floor;
        Cap = cap;
    }

    /// <summary>The model embedded in this assembly, read on first use.</summary>
    public static InjectionClassifier Default => Embedded.Value;

    private static readonly Lazy<InjectionClassifier> Embedded = new(() =>
    {
        using Stream stream = typeof(InjectionClassifier).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The resource '{ResourceName}' is missing from Bulwark.Detection; rebuild the assembly.");
        return Read(stream);
    });

    public InjectionFeatureSet Features { get; }

    /// <summary>A weight's value is its <see cref="sbyte"/> times this.</summary>
    public float Scale { get; }

    public float Bias { get; }

    /// <summary>Feature values are counts divided by √n up to this many features n, and by n / √knee beyond.</summary>
    public int LengthKnee { get; }

    /// <summary>Texts of fewer words get no hit from the model.</summary>
    public int MinWords { get; }

    /// <summary>Below this probability the model adds nothing to the score.</summary>
    public float Floor { get; }

    /// <summary>The most the model's hit may weigh.</summary>
    public float Cap { get; }

    /// <summary>The quantised weights (for the trainer's checks and tests).</summary>
    public ReadOnlySpan<sbyte> Weights => _weights;

    /// <summary>The model's probability that <paramref name="normalised"/> is an injection, and the text's number of words.</summary>
    public double Probability(ReadOnlySpan<char> normalised, out int words)
    {
        var features = new InjectionFeatures(normalised, Features);
        long sum = 0;
        int count = 0;
        while (features.TryNext(out int bucket))
        {
            sum += _weights[bucket];
            count++;
        }

        words = features.Words;
        double logit = count == 0 ? Bias : Bias + (Scale * sum / LengthNorm(count, LengthKnee));
        return 1 / (1 + Math.Exp(-logit));
    }

    /// <summary>What a text's feature counts are divided by: √n, and n / √knee beyond the knee.</summary>
    public static double LengthNorm(int features, int knee) => features <= knee ? Math.Sqrt(features) : features / Math.Sqrt(knee);

    /// <summary>The model's probability that <paramref name="normalised"/> is an injection.</summary>
    public double Probability(ReadOnlySpan<char> normalised) => Probability(normalised, out _);

    /// <summary>The weight of the model's hit in the combined score (see <see cref="WeightOf"/>).</summary>
    public double HitWeight(ReadOnlySpan<char> normalised)
    {
        double probability = Probability(normalised, out int words);
        return WeightOf(probability, words);
    }

    /// <summary>0 for a text of fewer than <see cref="MinWords"/> words or a probability below <see cref="Floor"/>, else the probability up to <see cref="Cap"/>.</summary>
    public double WeightOf(double probability, int words) => words < MinWords || probability < Floor ? 0 : Math.Min(probability, Cap);

    /// <summary>Normalises a raw text the way the detector does, then scores it (allocates a pooled buffer; for training and tests).</summary>
    public double ProbabilityOfRaw(ReadOnlySpan<char> text)
    {
        char[] buffer = ArrayPool<char>.Shared.Rent(Math.Max(text.Length, 1));
        try
        {
            var signals = default(NormalizationSignals);
            int length = InjectionNormalizer.Normalize(text, buffer, ref signals);
            return Probability(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes the model in the format <see cref="Read"/> takes.</summary>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], FormatVersion);
        header[8] = (byte)Features.Bits;
        header[9] = Features.Bigrams ? (byte)1 : (byte)0;
        header[10] = Features.Symbols ? (byte)1 : (byte)0;
        header[11] = 0;
        BinaryPrimitives.WriteSingleLittleEndian(header[12..], Scale);
        BinaryPrimitives.WriteSingleLittleEndian(header[16..], Bias);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], LengthKnee);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], MinWords);
        BinaryPrimitives.WriteSingleLittleEndian(header[28..], Floor);
        BinaryPrimitives.WriteSingleLittleEndian(header[32..], Cap);
        stream.Write(header);
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_weights.AsSpan()));
    }

    /// <summary>Reads a model written by <see cref="Write"/>.</summary>
    public static InjectionClassifier Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[HeaderBytes];
        stream.ReadExactly(header);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic || BinaryPrimitives.ReadInt32LittleEndian(header[4..]) != FormatVersion)
        {
            throw new InvalidDataException($"Not an injection classifier of format {FormatVersion}; retrain it with bench/Bulwark.InjectionEval -- --train.");
        }

        var features = new InjectionFeatureSet(header[8], header[9] != 0, header[10] != 0);
        var weights = new sbyte[features.Buckets];
        stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()));
        return new InjectionClassifier(
            features,
            weights,
            scale: BinaryPrimitives.ReadSingleLittleEndian(header[12..]),
            bias: BinaryPrimitives.ReadSingleLittleEndian(header[16..]),
            lengthKnee: BinaryPrimitives.ReadInt32LittleEndian(header[20..]),
            minWords: BinaryPrimitives.ReadInt32LittleEndian(header[24..]),
            floor: BinaryPrimitives.ReadSingleLittleEndian(header[28..]),
            cap: BinaryPrimitives.ReadSingleLittleEndian(header[32..]));
    }
}
