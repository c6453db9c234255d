using System.Buffers;
using System.Globalization;
using Bulwark.Detection.Injection;

/// <summary>
/// Trains the learned injection classifier (<see cref="InjectionClassifier"/>) and writes the weights the detector
/// embeds. Training data: the EVEN rows of the jailbreak CSV (the tuning half) and the team corpus; odd rows are never
/// read here. The fit is deterministic (full-batch L-BFGS from zero, no sampling), so the same data gives the same bytes.
/// <c>--cv</c> prints a 5-fold cross-validation over the training data instead, for choosing the hyperparameters below.
/// </summary>
internal static class InjectionTraining
{
    // Chosen by 5-fold cross-validation within the training data (see docs/detection.md, "The learned classifier").
    private static readonly Hyperparameters Chosen = new(
        new InjectionFeatureSet(Bits: 18, Bigrams: true, Symbols: true), L2: 1e-5, LengthKnee: 256, BenignWeight: 1, NoisyOr: false, MinWords: 40, Floor: 0.7f, Cap: 1f);

    private const int Folds = 5;

    public static int Run(List<InjectionEval.Sample> evenRows, List<InjectionEval.Sample> corpus, string? outPath, bool crossValidate)
    {
        List<Doc> docs = Prepare(evenRows, corpus);
        Console.WriteLine($"training data: {docs.Count(d => d.Source == 0)} even CSV rows, {docs.Count(d => d.Source == 1)} team corpus samples");
        if (crossValidate)
        {
            CrossValidate(docs);
            return 0;
        }

        if (outPath is null)
        {
            Console.Error.WriteLine("Pass --out PATH (the model file, src/Bulwark.Detection/Injection/injection-classifier.bin) or --cv.");
            return 2;
        }

        InjectionClassifier model = Fit(docs, Chosen);
        using (FileStream file = File.Create(outPath))
        {
            model.Write(file);
        }

        int nonZero = 0;
        foreach (sbyte w in model.Weights)
        {
            nonZero += w != 0 ? 1 : 0;
        }

        Console.WriteLine($"wrote {outPath}: {model.Features.Buckets} weights ({nonZero} non-zero), scale {model.Scale:G6}, bias {model.Bias:G6}");
        return 0;
    }

    /// <summary>One training text: normalised once, with the rules' own score and whether the prefilter lets it through.</summary>
    private sealed record Doc(string Normalised, bool Attack, int Source, int Fold, double RulesScore, bool Suspicious);

    private sealed record Hyperparameters(
        InjectionFeatureSet Features, double L2, int LengthKnee, double BenignWeight, bool NoisyOr, int MinWords, float Floor, float Cap);

    private static List<Doc> Prepare(List<InjectionEval.Sample> evenRows, List<InjectionEval.Sample> corpus)
    {
        var rules = new PromptInjectionDetector(new PromptInjectionOptions(), classifier: null);
        var docs = new List<Doc>();
        // Stratified folds: within each source and label, the i-th sample goes to fold i mod 5.
        var counters = new int[4];
        foreach ((List<InjectionEval.Sample> samples, int source) in new[] { (evenRows, 0), (corpus, 1) })
        {
            foreach (InjectionEval.Sample s in samples)
            {
                int group = (source * 2) + (s.Attack ? 1 : 0);
                int fold = counters[group]++ % Folds;
                docs.Add(new Doc(Normalise(s.Text), s.Attack, source, fold, rules.Score(s.Text), InjectionPrefilter.IsSuspicious(s.Text)));
            }
        }

        return docs;
    }

    private static string Normalise(string text)
    {
        char[] buffer = ArrayPool<char>.Shared.Rent(Math.Max(1, text.Length));
        var signals = default(NormalizationSignals);
        int length = InjectionNormalizer.Normalize(text, buffer, ref signals);
        string normalised = new(buffer, 0, length);
        ArrayPool<char>.Shared.Return(buffer);
        return normalised;
    }

    private static void CrossValidate(List<Doc> docs)
    {
        Console.WriteLine("rules alone:");
        PrintOperatingPoint(docs, docs.Select(_ => 0.0).ToArray(), "  ");
        foreach (Hyperparameters h in Grid())
        {
            // Out-of-fold probabilities: each text scored by a model that never saw it.
            var probability = new double[docs.Count];
            var words = new int[docs.Count];
            for (int fold = 0; fold < Folds; fold++)
            {
                InjectionClassifier model = Fit(docs.Where(d => d.Fold != fold).ToList(), h);
                for (int i = 0; i < docs.Count; i++)
                {
                    if (docs[i].Fold == fold)
                    {
                        probability[i] = model.Probability(docs[i].Normalised, out words[i]);
                    }
                }
            }

            Console.WriteLine($"bits {h.Features.Bits} bigrams {h.Features.Bigrams} symbols {h.Features.Symbols} L2 {h.L2:G3} knee {h.LengthKnee} "
                + $"benign x{h.BenignWeight} noisy-OR {h.NoisyOr}: model alone at p>=0.5 {ModelAlone(docs, probability)}");
            foreach (int minWords in new[] { 40, 60 })
            {
                foreach (float floor in new[] { 0.5f, 0.7f })
                {
                    InjectionClassifier gate = Quantise(new double[h.Features.Buckets + 1], h with { MinWords = minWords, Floor = floor });
                    double[] weights = probability.Select((p, i) => gate.WeightOf(p, words[i])).ToArray();
                    PrintOperatingPoint(docs, weights, $"  min words {minWords,2} floor {floor}: ");
                }
            }
        }
    }

    private static IEnumerable<Hyperparameters> Grid()
    {
        foreach (double l2 in new[] { 1e-5, 3e-5 })
        {
            foreach ((int bits, bool symbols) in new[] { (18, false), (18, true), (16, false) })
            {
                yield return Chosen with { L2 = l2, Features = Chosen.Features with { Bits = bits, Symbols = symbols } };
            }
        }
    }

    private static string ModelAlone(List<Doc> docs, double[] probability)
    {
        int tp = 0, attacks = 0, fp = 0, benign = 0;
        for (int i = 0; i < docs.Count; i++)
        {
            bool flagged = probability[i] >= 0.5;
            if (docs[i].Attack)
            {
                attacks++;
                tp += flagged ? 1 : 0;
            }
            else
            {
                benign++;
                fp += flagged ? 1 : 0;
            }
        }

        return $"recall {tp / (double)attacks:0.000} FPR {fp / (double)benign:0.000}";
    }

    /// <summary>Recall and FPR per source at the threshold, the rules' score combined with the model's hit weight.</summary>
    private static void PrintOperatingPoint(List<Doc> docs, double[] learnedWeight, string prefix)
    {
        var line = new System.Text.StringBuilder(prefix);
        foreach ((int source, string name) in new[] { (0, "even CSV"), (1, "team corpus") })
        {
            int tp = 0, attacks = 0, fp = 0, benign = 0;
            for (int i = 0; i < docs.Count; i++)
            {
                Doc d = docs[i];
                if (d.Source != source)
                {
                    continue;
                }

                double score = d.Suspicious ? 1 - ((1 - d.RulesScore) * (1 - learnedWeight[i])) : 0;
                bool flagged = score >= PromptInjectionOptions.DefaultThreshold;
                if (d.Attack)
                {
                    attacks++;
                    tp += flagged ? 1 : 0;
                }
                else
                {
                    benign++;
                    fp += flagged ? 1 : 0;
                }
            }

            line.Append(CultureInfo.InvariantCulture, $"{name} recall {tp / (double)attacks:0.000} ({tp}/{attacks}) FPR {fp / (double)benign:0.000} ({fp}/{benign})   ");
        }

        Console.WriteLine(line.ToString());
    }

    /// <summary>
    /// Fits the model by L-BFGS from zero and quantises the weights. The model is trained as it is used: as one more
    /// hit in the rules' noisy-OR, P(attack) = 1 − (1 − r)(1 − q), r the rules' score and q the model's probability. So
    /// the likelihood asks little of the model where the rules already catch an attack, and asks it to stay low on a
    /// benign text the rules already score near the threshold (the team corpus's look-alikes).
    /// </summary>
    private static InjectionClassifier Fit(List<Doc> docs, Hyperparameters h)
    {
        SparseRow[] rows = docs.Select(d => SparseRow.Of(d.Normalised, h.Features, h.LengthKnee)).ToArray();
        int dimensions = h.Features.Buckets + 1; // the bias is the last parameter and is not regularised
        double[] w = Lbfgs.Minimise(dimensions, (x, gradient) => Loss(rows, docs, h, x, gradient), iterations: 300);
        return Quantise(w, h);
    }

    /// <summary>Mean negative log-likelihood of the noisy-OR of rules and model, plus L2 / 2 · |w|² (bias excluded); writes the gradient.</summary>
    private static double Loss(SparseRow[] rows, List<Doc> docs, Hyperparameters h, double[] x, double[] gradient)
    {
        int bias = x.Length - 1;
        Array.Clear(gradient);
        double loss = 0;
        double n = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            SparseRow row = rows[r];
            double z = x[bias];
            for (int k = 0; k < row.Buckets.Length; k++)
            {
                z += x[row.Buckets[k]] * row.Values[k];
            }

            double q = 1 / (1 + Math.Exp(-z));
            double rules = h.NoisyOr ? Math.Min(docs[r].RulesScore, 0.9999) : 0;
            double weight = docs[r].Attack ? 1 : h.BenignWeight;
            double dz;
            if (docs[r].Attack)
            {
                // −log(r + (1 − r) q); with r = 0 the usual −log q = softplus(−z), computed stably
                double p = rules + ((1 - rules) * q);
                loss -= weight * (rules > 0 ? Math.Log(p) : -Softplus(-z));
                dz = -(1 - rules) * q * (1 - q) / p;
            }
            else
            {
                // −log((1 − r)(1 − q)); the rules' part is a constant
                loss += weight * Softplus(z);
                dz = q;
            }

            dz *= weight;
            n += weight;
            for (int k = 0; k < row.Buckets.Length; k++)
            {
                gradient[row.Buckets[k]] += dz * row.Values[k];
            }

            gradient[bias] += dz;
        }

        double penalty = 0;
        for (int j = 0; j < bias; j++)
        {
            gradient[j] = (gradient[j] / n) + (h.L2 * x[j]);
            penalty += x[j] * x[j];
        }

        gradient[bias] /= n;
        return (loss / n) + (0.5 * h.L2 * penalty);
    }

    private static double Softplus(double z) => z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));

    /// <summary>Weights to sbyte with one scale: the largest weight maps to ±127.</summary>
    private static InjectionClassifier Quantise(double[] w, Hyperparameters h)
    {
        int bias = w.Length - 1;
        double max = 0;
        for (int j = 0; j < bias; j++)
        {
            max = Math.Max(max, Math.Abs(w[j]));
        }

        double scale = max > 0 ? max / 127 : 1;
        var q = new sbyte[bias];
        for (int j = 0; j < bias; j++)
        {
            q[j] = (sbyte)Math.Clamp(Math.Round(w[j] / scale, MidpointRounding.AwayFromZero), -127, 127);
        }

        return new InjectionClassifier(h.Features, q, (float)scale, (float)w[bias], h.LengthKnee, h.MinWords, h.Floor, h.Cap);
    }

    /// <summary>A text's features: distinct buckets and their values (count / <see cref="InjectionClassifier.LengthNorm"/>).</summary>
    private sealed record SparseRow(int[] Buckets, double[] Values)
    {
        public static SparseRow Of(string normalised, InjectionFeatureSet set, int knee)
        {
            var counts = new SortedDictionary<int, int>();
            var features = new InjectionFeatures(normalised, set);
            int n = 0;
            while (features.TryNext(out int bucket))
            {
                counts[bucket] = counts.GetValueOrDefault(bucket) + 1;
                n++;
            }

            double norm = n == 0 ? 1 : InjectionClassifier.LengthNorm(n, knee);
            return new SparseRow([.. counts.Keys], [.. counts.Values.Select(c => c / norm)]);
        }
    }
}
