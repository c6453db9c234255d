using System.Buffers;
using System.Text;
using Bulwark.Detection.Engine;

namespace Bulwark.Detection.Injection;

/// <summary>
/// The clean-text fast path. A text goes on to normalisation and the rules only when it holds a keyword some rule
/// needs, a code point attackers use to hide text (invisible, tag, fullwidth, mathematical, Cyrillic/Greek), or
/// the shape of an obfuscation (a long base64 or hex run, spaced single letters, a leetspeak digit inside a word).
/// Vectorised searches first, then one scalar pass; nothing allocates.
/// </summary>
internal static class InjectionPrefilter
{
    // ROT13 of key words: ignore, instruction, previous, disregard, prompt, system, jailbreak, forget, developer,
    // anything, restrict. Keywords of the prefilter, and in normalised text the sign that a ROT13 pass is worth it.
    private static readonly string[] Rot13Words =
        ["vtaber", "vafgehpgvba", "cerivbhf", "qvfertneq", "cebzcg", "flfgrz", "wnvyoernx", "sbetrg", "qrirybcre", "nalguvat", "erfgevpg"];

    // Keywords that at least one rule needs. Matched case-insensitively on the raw text.
    private static readonly string[] AnchorWords =
    [
        // override
        "ignor", "disregard", "forget", "overrid", "neglect", "discard", "abandon", "dismiss", "set aside",
        "pay no attention", "follow your", "follow the previous", "follow the rules", "follow any", "follow prior",
        "obey your", "instruction", "guideline", "directive", "new task", "from now on", "henceforth", "starting now",
        "rest of this conversation", "rest of our conversation", "from this point", "from this moment", "supersede",
        "precedence", "take priority", "takes priority", "void", "revoked", "your new", "your real", "your only",
        "your actual", "your true",
        // role-play
        "anything now", "dan ", "dan:", "dan,", "dan]", "dan)", "[dan", "developer mode", "no longer", "not bound",
        "bound by", "bound to", "restricted by", "limited by", "constrained by", "governed by", "subject to", "freed",
        "liberated", "unchained", "unleashed", "unlocked", "free of", "free from", "free itself", "free yourself",
        "break free", "broke free", "broken free", "breaks free", "escaped", "restriction", "censor", "safeguard",
        "guardrail", "morals", "moral ", "morality", "ethic", "unrestricted", "amoral", "unethical", "immoral",
        "unbound", "unhinged", "lawless", "no-limit", "limitless", "jailbr", "in character", "break character",
        "breaking character", "out of character", "refus", "disclaimer", "caveat", "moraliz", "moralis", "illegal",
        "harmful", "nsfw", "malicious", "legality", "consequences", "content polic", "usage polic", "safety polic",
        "evil", "rogue", "hypothetical", "tokens", "deducted", "opposite mode", "anti-gpt", "antigpt", "chaosgpt",
        "chaos gpt", "dude mode", "stan mode", "mongo tom", "machiavelli", "mode enabled", "mode activated",
        "mode engaged", "mode output", "unlocked mode", "god mode", "sudo mode", "dev mode", "chatgpt", "openai",
        "anthropic", "break the law", "break laws", "break any law", "break the rules", "break any rules",
        // extraction
        "system prompt", "system message", "system instruction", "pre-prompt", "preprompt", "meta-prompt",
        "metaprompt", "initial prompt", "original prompt", "hidden prompt", "secret prompt", "base prompt",
        "configuration prompt", "developer prompt", "developer message", "developer instruction", "your prompt",
        "verbatim", "word for word", "word-for-word", "in its entirety", "words above", "text above",
        "everything above", "sentences above", "lines above", "content above", "message above", "messages above",
        "prompt above", "characters above", "tokens above", "all above", "written above", "above this",
        "starting with", "beginning with", "been told", "were told", "been instructed", "were instructed",
        "been programmed", "were programmed", "been prompted", "were prompted", "been configured", "were configured",
        "your rules", "your programming", "your configuration",
        // templates
        "<|", "|>", "[inst", "[/inst", "<<sys", "<</sys", "<system", "</system", "<sys>", "</sys", "<instruction",
        "</instruction", "<admin", "</admin", "<developer", "</developer", "</user", "</human", "</input",
        "</document", "</context", "</data", "</query", "</message", "system:", "system :", "system]", "system>",
        "system*", "system override", "system note", "system update", "system announcement", "system notice",
        "system alert", "developer:", "developer override", "admin:", "admin message", "admin override",
        "administrator:", "security override", "root override", "<!--", "[//]", "assistant:", "ai:", "bot:",
        "gpt:", "model:",
        // indirect
        "attention ai", "attention assistant", "attention llm", "to the ai", "for the ai", "to ai", "for ai", "to the assistant", "for the assistant", "to the llm",
        "for the llm", "to llm", "for llm", "to the model", "for the model", "to the chatbot", "for the chatbot",
        "language model", "to any ai", "for any ai", "to all ai", "to the bot", "for the bot", "to the agent",
        "for the agent", "for gpt", "to llms", "for llms", "you are an ai", "you're an ai", "you are a large",
        "you're a large", "you are an llm", "you're an llm", "you are a chatbot", "you're a chatbot",
        "you are an automated", "you summari", "you translat", "you read", "you process", "you analy", "you review",
        "you see this", "you encounter", "you pars", "you are summari", "you are translat", "you are read",
        "you are process", "not tell", "n't tell", "never tell", "without telling", "not inform",
        "n't inform", "without informing", "not notify", "n't notify", "without notifying", "not mention",
        "n't mention", "never mention", "without mentioning", "not reveal", "n't reveal", "not let the",
        "n't let the", "not alert", "n't alert", "chat history", "credential", "api key", "personal data",
        "personal information", "personal details", "private data", "private information", 
        "exfiltrat", "](http", "i am your", "i'm your", "this is your", "employee", "hidden instruction",
        // obfuscation
        "base64", "base-64", "b64", "rot13", "rot-13", "caesar", "morse", "hexadecimal",
        .. Rot13Words,
        // Chinese
        "忽略", "无视", "忽视", "不要理", "别理会", "忘记", "忘掉", "抛开", "跳过", "遵守", "违反", "绕过", "推翻",
        "遵循", "指令", "提示词", "提示语", "系统提示", "系统消息", "系统设定", "设定", "约束", "准则", "越狱",
        "开发者模式", "邪恶", "无道德", "无限制", "无审查", "不受", "没有任何", "底线", "束缚", "道德", "伦理",
        "审查", "摆脱", "拒绝", "从现在", "从此刻", "从今以后", "逐字", "复述", "上面的内容", "以上内容",
        "以上所有", "上面的所有", "前面的内容", "人工智能", "助手", "模型", "ai在", "ai当", "ai:", "ai,", "ai，",
        "ai总结", "ai翻译", "ai处理", "ai阅读", "ai分析", "当你总结", "当你翻译", "当你阅读", "当你处理", "当你分析",
        "在你总结", "在你翻译", "在你阅读", "在你处理", "在你分析", "不要告诉", "别告诉", "不得告诉", "不能告诉",
        "不要通知", "不要提醒", "不要让用户", "别让用户", "聊天记录", "密钥", "个人信息", "用户数据", "凭证", "令牌",
        "新的指令", "新指令", "新的任务", "新任务", "新的规则", "新规则", "真正的指令", "真正的任务", "最新指令",
        // Spanish, French, German
        "instrucciones", "prompt del sistema", "mensaje del sistema", "prompt système", "prompt systeme", "indicaciones", "directrices", "olvida", "olvide", "descarta", "omite", "caso omiso",
        "modo desarrollador", "modo sin", "modo dios", "restricci", "censura", "a partir de ahora", "consignes",
        "oublie", "abstraction", "mode développeur", "mode developpeur", "sans aucune", "sans restriction",
        "sans censure", "partir de maintenant", "anweisungen", "instruktionen", "vergiss", "vergessen sie",
        "missachte", "übergehe", "ubergehe", "systemprompt", "system-prompt", "systemanweisung", "entwicklermodus",
        "einschränkungen", "beschränkungen", "zensur", "ab jetzt", "ab sofort",
        // Japanese
        "無視", "忘れ", "破棄", "システムプロンプト", "初期指示", "初期プロンプト", "システムメッセージ", "開発者モード",
        "脱獄", "制限なし", "制限のない", "制限を", "規制", "検閲", "フィルター",
        // Russian
        "игнорир", "забудь", "забудьте", "проигнорир", "не обращай", "отмени", "отбрось", "инструкц", "промпт",
        "режим разработчика", "ограничени", "цензур", "фильтр",
    ];

    // The keywords above plus every rule's own anchors (with typographic apostrophes and opening quotes, as the raw
    // text may have them), so that no rule can match a text the prefilter let go.
    private static readonly string[] AllAnchors = AnchorWords
        .Concat(InjectionRules.Default.SelectMany(rule => rule.Anchors))
        .SelectMany(word => word.Contains('\'', StringComparison.Ordinal) ? [word, word.Replace('\'', '\u2019')] : new[] { word })
        .SelectMany(word => word.Contains('"', StringComparison.Ordinal) ? [word, word.Replace('"', '\u201C')] : new[] { word })
        .Distinct(StringComparer.OrdinalIgnoreCase)
        .ToArray();

    // Two searches, not one. Ordinal ignore-case never folds a non-ASCII character onto an ASCII one (nor 'ı' onto
    // 'i', nor the Kelvin sign onto 'k'), so a keyword holding a non-ASCII character can only match a text that holds
    // one. The ASCII keywords, which every text is searched for, run on a dense automaton at one table load per
    // character; the others run only on the texts that can match them (docs/detection.md, "Prefilter fast paths").
    private static readonly AsciiKeywordSearch AsciiAnchors = new(AllAnchors.Where(anchor => Ascii.IsValid(anchor)));

    private static readonly SearchValues<string> NonAsciiAnchors =
        SearchValues.Create(AllAnchors.Where(anchor => !Ascii.IsValid(anchor)).ToArray(), StringComparison.OrdinalIgnoreCase);

    // How far before a split word an anchor may start: the longest anchor.
    private static readonly int AnchorReach = AllAnchors.Max(anchor => anchor.Length);

    private static readonly SearchValues<char> SplitChars = SearchValues.Create("-.\u2010\u2011");

    /// <summary>ROT13 forms of key words, searched in normalised text to decide whether a ROT13 pass is worth it.</summary>
    public static readonly SearchValues<string> Rot13Anchors = SearchValues.Create(Rot13Words, StringComparison.Ordinal);

    private static readonly SearchValues<char> SuspiciousChars = SearchValues.Create(BuildSuspiciousChars());

    /// <summary>True when <paramref name="text"/> deserves the full analysis.</summary>
    public static bool IsSuspicious(ReadOnlySpan<char> text) =>
        ContainsAnchor(text) || text.IndexOfAny(SuspiciousChars) >= 0 || HasObfuscationShape(text)
        || HasAnchorInSplitWords(text);

    /// <summary>Does the text hold one of <see cref="AllAnchors"/>, ignoring case?</summary>
    internal static bool ContainsAnchor(ReadOnlySpan<char> text) =>
        AsciiAnchors.ContainsAny(text) || (!Ascii.IsValid(text) && text.IndexOfAny(NonAsciiAnchors) >= 0);

    /// <summary>Every keyword the prefilter looks for (for tests).</summary>
    internal static IReadOnlyList<string> Keywords => AllAnchors;

    /// <summary>
    /// Does the text hold a keyword once the words split by a hyphen or a dot are joined again ("i-gnore", "instr-uctions",
    /// as <see cref="InjectionNormalizer"/> joins them)? Only keywords that take in a split are new, so only a window
    /// around each split is joined (in a stack buffer) and searched; windows that touch are merged, so no character is
    /// copied twice but at a buffer's edge. Text without a split costs one vectorised search.
    /// </summary>
    internal static bool HasAnchorInSplitWords(ReadOnlySpan<char> text)
    {
        // A keyword taking in a split lies within this many characters of it, even with a split between every letter.
        int reach = 2 * AnchorReach;
        Span<char> joined = stackalloc char[1024];
        int split = NextSplit(text, 0);
        while (split >= 0)
        {
            int start = Math.Max(0, split - reach);
            int end = Math.Min(text.Length, split + reach + 1);
            int next = NextSplit(text, split + 1);
            while (next >= 0 && next - reach <= end && Math.Min(text.Length, next + reach + 1) - start <= joined.Length)
            {
                end = Math.Min(text.Length, next + reach + 1);
                next = NextSplit(text, next + 1);
            }

            int written = 0;
            for (int i = start; i < end; i++)
            {
                if (!IsSplitInsideWord(text, i))
                {
                    joined[written++] = text[i];
                }
            }

            if (ContainsAnchor(joined[..written]))
            {
                return true;
            }

            split = next;
        }

        return false;
    }

    private static int NextSplit(ReadOnlySpan<char> text, int from)
    {
        while (from < text.Length)
        {
            int found = text[from..].IndexOfAny(SplitChars);
            if (found < 0)
            {
                return -1;
            }

            from += found;
            if (IsSplitInsideWord(text, from))
            {
                return from;
            }

            from++;
        }

        return -1;
    }

    /// <summary>The normaliser's rule for a split word (<see cref="InjectionNormalizer.IsWordSplit"/>), on raw text.</summary>
    private static bool IsSplitInsideWord(ReadOnlySpan<char> text, int i) =>
        InjectionNormalizer.IsWordSplit(i >= 2 ? text[i - 2] : '\0', i >= 1 ? text[i - 1] : '\0', text[i],
            i + 1 < text.Length ? text[i + 1] : '\0', i + 2 < text.Length ? text[i + 2] : '\0');

    /// <summary>Scalar pass for shapes no keyword reveals: base64/hex runs, spaced letters, leetspeak.</summary>
    internal static bool HasObfuscationShape(ReadOnlySpan<char> text)
    {
        ReadOnlySpan<byte> classes = AsciiClasses;
        int base64Run = 0;
        int hexRun = 0;
        int spacedStreak = 0;
        int lastSingle = -10;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c >= 0x80)
            {
                base64Run = 0;
                hexRun = 0;
                continue;
            }

            byte kind = classes[c];
            if ((kind & Base64) != 0)
            {
                if (++base64Run >= PayloadDecoder.MinBase64Run)
                {
                    return true;
                }

                hexRun = (kind & Hex) != 0 ? hexRun + 1 : 0;
                if (hexRun >= PayloadDecoder.MinHexRun)
                {
                    return true;
                }
            }
            else
            {
                base64Run = 0;
                hexRun = 0;
            }

            if ((kind & Letter) != 0)
            {
                // A single-letter word: neither neighbour is an ASCII letter or digit.
                if ((i == 0 || (ClassOf(classes, text[i - 1]) & LetterOrDigit) == 0)
                    && (i + 1 == text.Length || (ClassOf(classes, text[i + 1]) & LetterOrDigit) == 0))
                {
                    spacedStreak = i - lastSingle is >= 2 and <= 4 ? spacedStreak + 1 : 1;
                    lastSingle = i;
                    if (spacedStreak >= 4)
                    {
                        return true;
                    }
                }
            }
            else if ((kind & Leet) != 0 && i > 0 && i + 1 < text.Length
                && (ClassOf(classes, text[i - 1]) & Letter) != 0 && (ClassOf(classes, text[i + 1]) & Letter) != 0)
            {
                return true;
            }
        }

        return false;
    }

    // What HasObfuscationShape asks of an ASCII character, one table lookup instead of five tests.
    private const byte Letter = 1, Digit = 2, Base64 = 4, Hex = 8, Leet = 16, LetterOrDigit = Letter | Digit;

    private static byte ClassOf(ReadOnlySpan<byte> classes, char c) => c < 0x80 ? classes[c] : (byte)0;

    private static readonly byte[] AsciiClasses = BuildAsciiClasses();

    private static byte[] BuildAsciiClasses()
    {
        var classes = new byte[128];
        for (char c = '\0'; c < 128; c++)
        {
            classes[c] = (byte)((char.IsAsciiLetter(c) ? Letter : 0) | (char.IsAsciiDigit(c) ? Digit : 0)
                | (PayloadDecoder.IsBase64Char(c) ? Base64 : 0) | (char.IsAsciiHexDigit(c) ? Hex : 0)
                | (InjectionNormalizer.LeetOf(c) != '\0' ? Leet : 0));
        }

        return classes;
    }

    private static string BuildSuspiciousChars()
    {
        var chars = new StringBuilder();
        void Range(char first, char last)
        {
            for (char c = first; c <= last; c++)
            {
                chars.Append(c);
            }
        }

        Range('\u200B', '\u200F'); // zero-width space/joiners, direction marks
        Range('\u202A', '\u202E'); // bidi embeddings
        Range('\u2060', '\u2064'); // word joiner, invisible operators
        Range('\u2066', '\u2069'); // bidi isolates
        chars.Append('\u00AD').Append('\u034F').Append('\u180E').Append('\uFEFF');
        chars.Append('\uDB40'); // high surrogate of the tag block U+E0000..E007F
        chars.Append('\uD835'); // high surrogate of mathematical alphanumerics
        Range('\uFF10', '\uFF19'); // fullwidth digits
        Range('\uFF21', '\uFF3A'); // fullwidth upper case
        Range('\uFF41', '\uFF5A'); // fullwidth lower case
        Range('\u24B6', '\u24E9'); // circled letters
        Range('\u0370', '\u03FF'); // Greek
        Range('\u0400', '\u04FF'); // Cyrillic
        Range('\u0500', '\u052F'); // Cyrillic supplement
        Range('\u0250', '\u02AF'); // IPA letters (ɡ, ɑ, ɩ ...)
        Range('\u1D00', '\u1D2B'); // small capitals
        chars.Append('\uA731');
        return chars.ToString();
    }
}
