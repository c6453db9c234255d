using System.Text;
using BenchmarkDotNet.Attributes;
using Bulwark.Detection;
using Bulwark.Detection.Injection;

namespace Bulwark.Benchmarks;

/// <summary>
/// The prompt-injection detector alone over ~64 KB: ordinary mixed English/Chinese chat, and benign text that is full
/// of the detector's keywords (persona prompts, security talk) so every window passes the prefilter. MB/s = 0.0625 MB
/// / mean time.
/// </summary>
[MemoryDiagnoser]
public class InjectionBenchmarks
{
    private const int TargetChars = 64 * 1024;

    private static readonly string[] ChatLines =
    [
        "User: Can you summarise the meeting notes from 10:30 this morning? We shipped version 2.4.1 to 3 regions.",
        "Assistant: Sure. The team agreed to move the launch to Q3 2025, budget $12,500, with 4 reviewers per change.",
        "用户：请帮我把这段话翻译成英文，今天下午三点开会，讨论第2季度的计划和预算。",
        "助手：好的。会议定于下午3点，议题包括第二季度计划、预算调整以及新员工培训安排。",
    ];

    private static readonly string[] KeywordLines =
    [
        "You are a helpful assistant for ACME. You must always answer politely and you will never share internal pricing.",
        "Our security training explains how jailbreak prompts try to make a model ignore its guidelines; we discuss filters.",
        "Act as a travel guide. I will tell you my location and you will suggest three places, following the rules above.",
        "请扮演一位历史老师，给学生讲解赤壁之战。系统提示词应该放在哪里？我们在讨论模型的安全限制和道德准则。",
    ];

    private readonly PromptInjectionDetector _detector = new();
    private readonly List<Finding> _findings = new(4);
    private string _chat = "";
    private string _keywords = "";

    [GlobalSetup]
    public void Setup()
    {
        PromptInjectionDetector.WarmUp();
        _chat = Build(ChatLines);
        _keywords = Build(KeywordLines);
    }

    [Benchmark(Baseline = true, Description = "injection, chat 64 KB")]
    public int Chat() => Detect(_chat);

    [Benchmark(Description = "injection, keyword-heavy benign 64 KB")]
    public int KeywordHeavy() => Detect(_keywords);

    private int Detect(string text)
    {
        _findings.Clear();
        _detector.Detect(text, _findings);
        return _findings.Count;
    }

    private static string Build(string[] lines)
    {
        var text = new StringBuilder(TargetChars + 256);
        for (int line = 0; text.Length < TargetChars; line++)
        {
            text.AppendLine(lines[line % lines.Length]);
        }

        return text.ToString(0, TargetChars);
    }
}
