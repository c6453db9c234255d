using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Inspection;
using Bulwark.Gateway.Pipeline;
using Bulwark.Gateway.Scanning;
using Bulwark.Testing;

namespace Bulwark.Benchmarks;

/// <summary>
/// One streamed chat completion through the gateway's <see cref="SseTransformer"/>, as the fake upstream in
/// tests/Bulwark.Testing sends it: 50 <c>chat.completion.chunk</c> events of one token each, a usage event and
/// <c>[DONE]</c>, each event arriving as its own read (the upstream flushes after every event). The route has the
/// default detection (<c>detection: {}</c>). Three answers: the fake upstream's own 29-character one (what the load
/// test in docs/benchmarks.md streams; most deltas are empty), a 250-character one (about five characters a delta,
/// like real tokens), and the same with a pseudonymized email to restore. Per event = mean / 52.
/// </summary>
[MemoryDiagnoser]
public class SseStreamBenchmarks
{
    private const string Answer =
        "Sure. To reset your password, open Settings, choose Security and press Reset. We will send a link to " +
        "<EMAIL_ADDRESS_1> within five minutes; it stays valid for one hour. If it does not arrive, check the spam " +
        "folder or ask the help desk on extension 4410, Monday to Friday.";

    private RouteConfig _route = null!;
    private GatewayRequestFeature _pseudonymized = null!;
    private byte[][] _fakeAnswer = [];
    private byte[][] _plain = [];
    private byte[][] _withPlaceholder = [];
    private readonly ArrayBufferWriter<byte> _output = new(16 * 1024);

    [GlobalSetup]
    public void Setup()
    {
        var config = ConfigLoader.Load(
            """
            routes:
              - name: openai
                path_prefix: /openai
                upstream: https://api.openai.com
                detection: {}
            """,
            "bench.yaml",
            TimeProvider.System);
        _route = config.Config?.Routes[0] ?? throw new InvalidOperationException(config.Describe());

        // The request carried an email, which the default policy pseudonymizes: the answer's placeholder is restored.
        _pseudonymized = new GatewayRequestFeature("bench", 0);
        RequestScanner.Scan(_route.Detection!, [new InspectedText("Mail me at jane.doe@example.com please.", "user", "/messages/0/content")], _pseudonymized);
        if (_pseudonymized.Pseudonyms is not { RestorableCount: 1 })
        {
            throw new InvalidOperationException("The request's email was not pseudonymized.");
        }

        _fakeAnswer = Chunks("Hello from the fake upstream.");
        _plain = Chunks(Answer.Replace("<EMAIL_ADDRESS_1>", "the address on file", StringComparison.Ordinal));
        _withPlaceholder = Chunks(Answer);

        var restored = new StringBuilder();
        Run(new GatewayRequestFeature("bench", 0) { Pseudonyms = _pseudonymized.Pseudonyms }, _withPlaceholder, restored);
        if (!restored.ToString().Contains("jane.doe", StringComparison.Ordinal) || restored.ToString().Contains("EMAIL", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The placeholder was not restored: the benchmark would measure the wrong thing.");
        }
    }

    [Benchmark(Baseline = true, Description = "fake upstream answer, default detection")]
    public int FakeAnswer() => Run(new GatewayRequestFeature("bench", 0), _fakeAnswer);

    [Benchmark(Description = "250-char answer, default detection")]
    public int DefaultDetection() => Run(new GatewayRequestFeature("bench", 0), _plain);

    [Benchmark(Description = "250-char answer, default detection + restore")]
    public int WithRestore()
    {
        var feature = new GatewayRequestFeature("bench", 0) { Pseudonyms = _pseudonymized.Pseudonyms };
        return Run(feature, _withPlaceholder);
    }

    private int Run(GatewayRequestFeature feature, byte[][] chunks, StringBuilder? sentText = null)
    {
        var processor = ResponseTextProcessor.Create(_route, feature) ?? throw new InvalidOperationException("Nothing to process.");
        var transformer = new SseTransformer(processor, _ => "{\"error\":{}}");
        var sent = 0;
        foreach (var chunk in chunks)
        {
            transformer.Feed(chunk, _output);
            sentText?.Append(Encoding.UTF8.GetString(_output.WrittenSpan));
            sent += _output.WrittenCount;
            _output.ResetWrittenCount();
        }

        transformer.Complete(_output);
        sent += _output.WrittenCount;
        _output.ResetWrittenCount();
        return sent;
    }

    /// <summary>
    /// The answer in 50 deltas of about five characters (a token or so; the placeholder arrives in pieces), split as
    /// the fake upstream splits, one event per chunk, then the finish and usage event and [DONE] in one chunk.
    /// </summary>
    private static byte[][] Chunks(string answer)
    {
        var deltas = FakeUpstream.Split(answer, 50);
        var chunks = deltas.Select((delta, i) => Encoding.UTF8.GetBytes(FakeUpstream.ChunkEvent(delta, first: i == 0))).ToList();
        chunks.Add(Encoding.UTF8.GetBytes(FakeUpstream.EndEvents(deltas.Count)));
        return [.. chunks];
    }
}
