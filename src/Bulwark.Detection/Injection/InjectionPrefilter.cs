using System.Buffers;

namespace Bulwark.Detection.Injection;

/// <summary>
/// The clean-text fast path. A text goes on to normalisation and the rules only when it holds a keyword some rule
/// needs, a code point attackers use to hide text (invisible, tag, fullwidth, mathematical, Cyrillic/Greek), or
/// the shape of an obfuscation (a long base64 or hex run, spaced single letters, a leetspeak digit inside a word).
/// Vectorised searches first, then one scalar pass; nothing allocates.
/// </summary>
internal static class InjectionPrefilter
{
    // Keywords that at least one rule needs. Matched case-insensitively on the raw text.
    private static readonly string[] AnchorWords =
    [
        // override
        "ignor", "disregard", "forget", "overrid", "neglect", "discard", "abandon", "dismiss", "set aside",
        "pay no attention", "follow", "obey", "adhere", "comply", "instruction", "new task", "from now on", "henceforth",
        "starting now", "rest of this conversation", "rest of our conversation", "from this point", "from this moment",
        "supersede", "precedence", "priority", "void", "revoked", "cancelled", "canceled", "your new", "your real",
        "your only", "your actual", "your true",
        // role-play
        "anything now", "dan ", "dan:", "dan,", "dan]", "dan)", "[dan", "developer mode", "no longer", "not bound",
        "bound by", "bound to", "restricted by", "limited by", "constrained by", "governed by", "subject to", "freed",
        "liberated", "unchained", "free", "escaped", "restriction", "limitation", "limits", "filter", "censor",
        "boundaries", "guideline", "rules", "morals", "ethic", "principles", "safeguard", "constraint", "guardrail",
        "unrestricted", "amoral", "unethical", "immoral", "unbound", "unhinged", "lawless", "no-limit", "jailbr",
        "character", "refus", "declin", "reject", "say no", "deny any", "warning", "disclaimer", "caveat", "apolog",
        "moraliz", "moralis", "lecture", "care", "give a", "concern", "worry", "bother", "illegal", "harmful",
        "explicit", "offensive", "inappropriate", "nsfw", "malicious", "polic", "evil", "rogue", "corrupted",
        "hypothetical", "token", "opposite mode", "anti-gpt", "antigpt", "chaos", "dude mode", "stan mode",
        "mongo tom", "machiavelli", " mode", "chatgpt", "gpt-", "gpt3", "gpt4", "openai", "anthropic", "claude",
        "bard", "gemini", "llama", "chatbot", "language model", "llm", "whatever", "anything", "everything",
        "no matter", "regardless",
        // extraction
        "prompt", "system message", "system instructions", "repeat", "verbatim", "word for word", "word-for-word",
        "above", "starting with", "beginning with", "start with", "begin with", "told", "instructed", "programmed",
        "configured", "your rules", "your guidelines", "your directives", "your programming", "your configuration",
        // templates
        "<|", "|>", "[inst", "[/inst", "<<sys", "<</sys", "<system", "</system", "<sys>", "</sys", "<instruction",
        "</instruction", "<admin", "</admin", "<developer", "</developer", "system", "developer", "admin", "</",
        "<!--", "[//]", "assistant:", "ai:", "bot:", "gpt:", "model:", "override",
        // indirect
        "assistant", "note to", "note for", "message to", "message for", "notice to", "notice for", "reminder",
        "attention", "important", "p.s", "ps:", "you are an ai", "you're an ai", "you are a language", "you're a language",
        "you are an llm", "you're an llm", "you are a chatbot", "you're a chatbot", "you are a large", "you're a large",
        "you are an automated", "summari", "translat", "instead", "the user", "this user", "the human", "the reader",
        "exfiltrat", "send", "post", "forward", "transmit", "upload", "leak", "email", "e-mail", "append", "encode",
        "](http", "image", "i am your", "i'm your", "this is your", "creator", "hidden", "invisible", "secret",
        // obfuscation
        "decode", "decrypt", "decipher", "unscramble", "base64", "base-64", "b64", "rot13", "rot-13", "cipher",
        // ROT13 of key words: ignore, instruction, previous, disregard, prompt, system, jailbreak, forget, developer
        "vtaber", "vafgehpgvba", "cerivbhf", "qvfertneq", "cebzcg", "flfgrz", "wnvyoernx", "sbetrg", "qrirybcre",
        // Chinese
        "忽略", "无视", "忽视", "不要理", "不要理睬", "别理会", "别管", "忘记", "忘掉", "抛开", "抛弃", "放弃", "跳过",
        "丢弃", "遵守", "违反", "覆盖", "清除", "绕过", "推翻", "遵循", "指令", "指示", "提示词", "提示语", "系统提示",
        "越狱", "扮演", "开发者模式", "模式", "限制", "约束", "规则", "道德", "伦理", "审查", "过滤", "束缚", "底线",
        "你现在是", "从现在", "从此刻", "从今以后", "今后", "拒绝", "假装", "模拟", "充当", "重复", "复述", "逐字",
        "用户", "总结", "翻译", "阅读", "发送", "转发", "上传", "泄露", "任务", "是什么",
        // Spanish, French, German
        "instrucciones", "reglas", "indicaciones", "directrices", "modo ", "restricci", "censura", "a partir de ahora",
        "consignes", "règles", "regles", "à partir de maintenant", "a partir de maintenant", "sans aucune", "sans restriction",
        "sans censure", "anweisungen", "instruktionen", "befehle", "regeln", "vorgaben", "richtlinien", "systemprompt",
        "system-prompt", "entwicklermodus", "einschränkungen", "beschränkungen", "zensur", "ab jetzt", "ab sofort",
        // Japanese
        "指示", "命令", "ルール", "プロンプト", "無視", "忘れ", "開発者モード", "脱獄", "制限", "規制", "検閲",
        "フィルター", "システムメッセージ",
        // Russian
        "игнорир", "забудь", "забудьте", "проигнорир", "не обращай", "отмени", "отбрось", "инструкц", "промпт",
        "режим разработчика", "ограничени", "цензур", "фильтр",
    ];

    private static readonly SearchValues<string> Anchors = SearchValues.Create(AnchorWords, StringComparison.OrdinalIgnoreCase);

    /// <summary>ROT13 forms of key words, searched in normalised text to decide whether a ROT13 pass is worth it.</summary>
    public static readonly SearchValues<string> Rot13Anchors = SearchValues.Create(
        ["vtaber", "vafgehpgvba", "cerivbhf", "qvfertneq", "cebzcg", "flfgrz", "wnvyoernx", "sbetrg", "qrirybcre"],
        StringComparison.Ordinal);

    private static readonly SearchValues<char> SuspiciousChars = SearchValues.Create(BuildSuspiciousChars());

    /// <summary>True when <paramref name="text"/> deserves the full analysis.</summary>
    public static bool IsSuspicious(ReadOnlySpan<char> text) =>
        text.IndexOfAny(Anchors) >= 0 || text.IndexOfAny(SuspiciousChars) >= 0 || HasObfuscationShape(text);

    /// <summary>Scalar pass for shapes no keyword reveals: base64/hex runs, spaced letters, leetspeak.</summary>
    internal static bool HasObfuscationShape(ReadOnlySpan<char> text)
    {
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

            if (PayloadDecoder.IsBase64Char(c))
            {
                if (++base64Run >= PayloadDecoder.MinBase64Run)
                {
                    return true;
                }

                hexRun = char.IsAsciiHexDigit(c) ? hexRun + 1 : 0;
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

            if (char.IsAsciiLetter(c))
            {
                bool startsWord = i == 0 || !char.IsAsciiLetterOrDigit(text[i - 1]);
                bool endsWord = i + 1 == text.Length || !char.IsAsciiLetterOrDigit(text[i + 1]);
                if (startsWord && endsWord)
                {
                    spacedStreak = i - lastSingle is >= 2 and <= 4 ? spacedStreak + 1 : 1;
                    lastSingle = i;
                    if (spacedStreak >= 4)
                    {
                        return true;
                    }
                }
            }
            else if (InjectionNormalizer.LeetOf(c) != '\0' && i > 0 && i + 1 < text.Length
                && char.IsAsciiLetter(text[i - 1]) && char.IsAsciiLetter(text[i + 1]))
            {
                return true;
            }
        }

        return false;
    }

    private static string BuildSuspiciousChars()
    {
        var chars = new System.Text.StringBuilder();
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
