namespace Bulwark.Detection.Injection;

/// <summary>The families of prompt-injection rules; several can match one text.</summary>
[Flags]
public enum InjectionFamilies
{
    None = 0,

    /// <summary>"Ignore previous instructions" and its paraphrases, "new instructions:", "from now on you ...".</summary>
    InstructionOverride = 1 << 0,

    /// <summary>DAN-style personas, developer mode, "no longer bound", "stay in character", token games.</summary>
    RoleplayJailbreak = 1 << 1,

    /// <summary>"Print your system prompt", "repeat the words above", "what were your initial instructions".</summary>
    SystemPromptExtraction = 1 << 2,

    /// <summary>Chat-template tokens and fake turns: <c>&lt;|im_start|&gt;system</c>, <c>[INST] &lt;&lt;SYS&gt;&gt;</c>, <c>### System:</c>.</summary>
    TemplateSmuggling = 1 << 3,

    /// <summary>Instructions addressed to the model inside pasted content, exfiltration requests, hidden comments.</summary>
    IndirectInjection = 1 << 4,

    /// <summary>The attack only showed after normalising or decoding: tag characters, base64, hex, ROT13, leetspeak ...</summary>
    Obfuscation = 1 << 5,
}

/// <summary>Stable rule family ids for audit rows and evaluation reports.</summary>
public static class InjectionFamilyIds
{
    public const string InstructionOverride = "instruction_override";
    public const string RoleplayJailbreak = "roleplay_jailbreak";
    public const string SystemPromptExtraction = "system_prompt_extraction";
    public const string TemplateSmuggling = "template_smuggling";
    public const string IndirectInjection = "indirect_injection";
    public const string Obfuscation = "obfuscation";

    /// <summary>Every family, in a stable order.</summary>
    public static IReadOnlyList<InjectionFamilies> All { get; } =
    [
        InjectionFamilies.InstructionOverride, InjectionFamilies.RoleplayJailbreak,
        InjectionFamilies.SystemPromptExtraction, InjectionFamilies.TemplateSmuggling,
        InjectionFamilies.IndirectInjection, InjectionFamilies.Obfuscation,
    ];

    /// <summary>The id of one family.</summary>
    public static string IdOf(InjectionFamilies family) => family switch
    {
        InjectionFamilies.InstructionOverride => InstructionOverride,
        InjectionFamilies.RoleplayJailbreak => RoleplayJailbreak,
        InjectionFamilies.SystemPromptExtraction => SystemPromptExtraction,
        InjectionFamilies.TemplateSmuggling => TemplateSmuggling,
        InjectionFamilies.IndirectInjection => IndirectInjection,
        InjectionFamilies.Obfuscation => Obfuscation,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Pass exactly one InjectionFamilies flag."),
    };

    /// <summary>The ids of every family set in <paramref name="families"/> (allocates; for audit and reports).</summary>
    public static IReadOnlyList<string> IdsOf(InjectionFamilies families)
    {
        var ids = new List<string>();
        foreach (InjectionFamilies family in All)
        {
            if ((families & family) != 0)
            {
                ids.Add(IdOf(family));
            }
        }

        return ids;
    }
}
