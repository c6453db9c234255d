namespace Bulwark.Detection.Secrets;

/// <summary>
/// One scan of one text. Handlers return the position to resume from (after what they consumed) or
/// <see cref="NoMatch"/>.
/// </summary>
internal ref partial struct SecretScan
{
    private const int NoMatch = -1;

    private readonly ReadOnlySpan<char> _text;
    private readonly List<Finding> _findings;
    private readonly int _firstFinding;

    public SecretScan(ReadOnlySpan<char> text, List<Finding> findings)
    {
        _text = text;
        _findings = findings;
        _firstFinding = findings.Count;
    }

    public readonly void Run()
    {
        var pos = 0;
        while (pos < _text.Length)
        {
            var rel = SecretRules.AnchorSearch.IndexOfAny(_text[pos..]);
            if (rel < 0)
            {
                return;
            }

            var at = pos + rel;
            var next = Dispatch(at, allowKeyNames: true);
            pos = next > at ? next : at + 1;
        }
    }

    /// <summary>Tries every anchor that starts at <paramref name="at"/>; the first that validates wins.</summary>
    private readonly int Dispatch(int at, bool allowKeyNames)
    {
        var first = _text[at];
        if (first >= 128)
        {
            return NoMatch;
        }

        var rest = _text[at..];
        foreach (var anchor in SecretRules.ByFirstChar[char.ToLowerInvariant(first)])
        {
            if (!rest.StartsWith(anchor.Text, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (anchor.Kind == AnchorKind.KeyName && !allowKeyNames)
            {
                continue;
            }

            var end = anchor.Kind switch
            {
                AnchorKind.Token => MatchToken(at, anchor.Rule!),
                AnchorKind.SkDash => MatchSkDash(at),
                AnchorKind.Stripe => MatchStripe(at),
                AnchorKind.UrlUserInfo => MatchUrlUserInfo(at),
                AnchorKind.PemBlock => MatchPemBlock(at),
                AnchorKind.Jwt => MatchJwt(at),
                AnchorKind.SlackWebhook => MatchSlackWebhook(at),
                AnchorKind.DiscordWebhook => MatchDiscordWebhook(at, anchor.Text.Length),
                AnchorKind.MailchimpSuffix => MatchMailchimp(at),
                AnchorKind.AzureAdSecret => MatchAzureAdSecret(at),
                AnchorKind.TerraformCloud => MatchTerraformCloud(at),
                AnchorKind.TelegramBot => MatchTelegramBot(at),
                AnchorKind.FirebaseFcm => MatchFirebaseFcm(at),
                AnchorKind.AzureAccountKey => MatchAzureKeyValue(at, anchor.Text.Length, EntityTypes.AzureStorageKey, 80, 100),
                AnchorKind.AzureSharedAccessKey => MatchAzureKeyValue(at, anchor.Text.Length, EntityTypes.AzureSharedAccessKey, 40, 48),
                AnchorKind.KeyName => MatchKeyName(at),
                _ => NoMatch,
            };
            if (end > at)
            {
                return end;
            }
        }

        return NoMatch;
    }

    /// <summary>Records a finding unless it overlaps one this scan already made (first, most specific wins).</summary>
    private readonly bool Emit(string entity, int start, int end, double score)
    {
        for (var i = _firstFinding; i < _findings.Count; i++)
        {
            var f = _findings[i];
            if (f.Detector == SecretsDetector.DetectorName && start < f.End && f.Start < end)
            {
                return false;
            }
        }

        _findings.Add(new Finding(entity, start, end, score, SecretsDetector.DetectorName));
        return true;
    }

    /// <summary>Prefix + body of a known charset and length, bounded on both sides, passing shape and placeholder checks.</summary>
    private readonly int MatchToken(int at, TokenRule rule)
    {
        if (!_text[at..].StartsWith(rule.Prefix, StringComparison.Ordinal) || !SecretText.HasLeftBoundary(_text, at))
        {
            return NoMatch;
        }

        var bodyStart = at + rule.Prefix.Length;
        var length = SecretText.RunLength(_text, bodyStart, rule.Body, rule.MaxLength + 1);
        if (length < rule.MinLength || length > rule.MaxLength)
        {
            return NoMatch;
        }

        var end = bodyStart + length;
        var body = _text.Slice(bodyStart, length);
        if (!SecretText.HasRightBoundary(_text, end) && rule.Body != Charset.Base64)
        {
            return NoMatch;
        }

        if (!HasShape(rule, _text[at..end], body) || SecretText.LooksLikePlaceholderToken(body) || !SecretText.HasTokenEntropy(body))
        {
            return NoMatch;
        }

        if (!Emit(rule.Entity, at, end, rule.Score))
        {
            return end;
        }

        if (rule.Shape == Shape.AwsKeyId)
        {
            FindAwsSecretNear(at, end);
        }

        return end;
    }

    private static bool HasShape(TokenRule rule, ReadOnlySpan<char> token, ReadOnlySpan<char> body)
    {
        switch (rule.Shape)
        {
            case Shape.Base62Crc32:
                return TokenChecksums.IsValidBase62Crc32(body);
            case Shape.Bech32:
                return TokenChecksums.IsValidBech32(token);
            case Shape.SendGrid:
                return body[22] == '.' && !body[..22].Contains('.') && !body[23..].Contains('.');
            case Shape.Postman:
                return body[24] == '-' && !body[..24].Contains('-') && !body[25..].Contains('-');
            case Shape.GrafanaServiceAccount:
                return body[32] == '_' && SecretText.IsAll(body[..32], Charset.Base62) && SecretText.IsAll(body[33..], Charset.Hex);
            case Shape.GitHubFineGrained:
                return body[22] == '_' && SecretText.IsAll(body[..22], Charset.Base62) && SecretText.IsAll(body[23..], Charset.Base62);
            case Shape.Slack:
                var digits = 0;
                foreach (var c in body)
                {
                    digits += char.IsAsciiDigit(c) ? 1 : 0;
                }

                return body.Contains('-') && digits >= 6;
            case Shape.AwsKeyId:
                return !body.EndsWith("EXAMPLE", StringComparison.Ordinal);
            default:
                return true;
        }
    }

    /// <summary>
    /// <c>sk-</c> is shared: <c>sk-ant-*</c> is Anthropic, <c>sk-or-v1-</c> OpenRouter, <c>sk-</c> + exactly 32
    /// lower-case hex is Alibaba DashScope (DeepSeek uses the same shape), and <c>sk-proj-</c>/<c>sk-svcacct-</c>/
    /// <c>sk-admin-</c>/<c>sk-None-</c> or a legacy 48-character body is OpenAI.
    /// </summary>
    private readonly int MatchSkDash(int at)
    {
        if (!_text[at..].StartsWith("sk-", StringComparison.Ordinal) || !SecretText.HasLeftBoundary(_text, at))
        {
            return NoMatch;
        }

        var bodyStart = at + 3;
        var length = SecretText.RunLength(_text, bodyStart, Charset.Base62Dash, 301);
        if (length < 20 || length > 300)
        {
            return NoMatch;
        }

        var end = bodyStart + length;
        var body = _text.Slice(bodyStart, length);
        if (!SecretText.HasRightBoundary(_text, end))
        {
            return NoMatch;
        }

        string entity;
        ReadOnlySpan<char> random;
        if (body.StartsWith("ant-", StringComparison.Ordinal))
        {
            // sk-ant-api03-..., sk-ant-admin01-..., sk-ant-oat01-...: a kind+version tag, then the secret.
            var tagEnd = body[4..].IndexOf('-');
            if (tagEnd < 3 || !SecretText.IsAll(body.Slice(4, tagEnd), Charset.Base62))
            {
                return NoMatch;
            }

            entity = EntityTypes.AnthropicApiKey;
            random = body[(4 + tagEnd + 1)..];
            if (random.Length < 32)
            {
                return NoMatch;
            }
        }
        else if (body.StartsWith("or-v1-", StringComparison.Ordinal))
        {
            entity = EntityTypes.OpenRouterApiKey;
            random = body[6..];
            if (random.Length != 64 || !SecretText.IsAll(random, Charset.HexLower))
            {
                return NoMatch;
            }
        }
        else if (length == 32 && SecretText.IsAll(body, Charset.HexLower))
        {
            entity = EntityTypes.DashScopeApiKey;
            random = body;
        }
        else if (StartsWithOpenAiProjectTag(body, out var tagLength))
        {
            entity = EntityTypes.OpenAiApiKey;
            random = body[tagLength..];
            if (random.Length < 32)
            {
                return NoMatch;
            }
        }
        else if (length >= 40 && SecretText.IsAll(body, Charset.Base62))
        {
            entity = EntityTypes.OpenAiApiKey; // legacy sk- + 48 base62 (often containing T3BlbkFJ)
            random = body;
        }
        else
        {
            return NoMatch;
        }

        if (SecretText.LooksLikePlaceholderToken(random) || !SecretText.HasTokenEntropy(random) ||
            SecretText.CharClasses(random, out _) < 2)
        {
            return NoMatch;
        }

        Emit(entity, at, end, 0.95);
        return end;
    }

    private static bool StartsWithOpenAiProjectTag(ReadOnlySpan<char> body, out int tagLength)
    {
        foreach (var tag in (ReadOnlySpan<string>)["proj-", "svcacct-", "admin-", "None-"])
        {
            if (body.StartsWith(tag, StringComparison.Ordinal))
            {
                tagLength = tag.Length;
                return true;
            }
        }

        tagLength = 0;
        return false;
    }

    /// <summary>
    /// Stripe secret (<c>sk_</c>) and restricted (<c>rk_</c>) keys. Test-mode keys are reported too, at a lower
    /// score: they read and write the account's test data and Stripe asks that they be kept secret. Stripe's own
    /// documentation example keys are not reported.
    /// </summary>
    private readonly int MatchStripe(int at)
    {
        var rest = _text[at..];
        if (!(rest.StartsWith("sk_", StringComparison.Ordinal) || rest.StartsWith("rk_", StringComparison.Ordinal)) ||
            !SecretText.HasLeftBoundary(_text, at))
        {
            return NoMatch;
        }

        var live = rest[3..].StartsWith("live_", StringComparison.Ordinal);
        if (!live && !rest[3..].StartsWith("test_", StringComparison.Ordinal))
        {
            return NoMatch;
        }

        var bodyStart = at + 8;
        var length = SecretText.RunLength(_text, bodyStart, Charset.Base62, 251);
        if (length < 24 || length > 250)
        {
            return NoMatch;
        }

        var end = bodyStart + length;
        var body = _text.Slice(bodyStart, length);
        if (!SecretText.HasRightBoundary(_text, end) || SecretText.LooksLikePlaceholderToken(body) ||
            !SecretText.HasTokenEntropy(body) || SecretText.IsDocumentedExample(body))
        {
            return NoMatch;
        }

        Emit(EntityTypes.StripeSecretKey, at, end, live ? 0.99 : 0.7);
        return end;
    }

    /// <summary>
    /// A 40-character AWS secret access key is only believable next to its access key id: look up to
    /// <see cref="AwsSecretWindow"/> characters either side of the id for one bounded run of exactly 40
    /// [A-Za-z0-9/+] characters that mixes cases and digits.
    /// </summary>
    private readonly void FindAwsSecretNear(int idStart, int idEnd)
    {
        var from = Math.Max(0, idStart - AwsSecretWindow);
        var to = Math.Min(_text.Length, idEnd + AwsSecretWindow);
        var i = from;
        while (i < to)
        {
            if (!IsAwsSecretChar(_text[i]) || (i > 0 && IsAwsSecretChar(_text[i - 1])))
            {
                i++;
                continue;
            }

            var j = i;
            while (j < _text.Length && IsAwsSecretChar(_text[j]) && j - i <= 40)
            {
                j++;
            }

            if (j - i == 40 && (j == _text.Length || !IsAwsSecretChar(_text[j])) && IsAwsSecretValue(_text.Slice(i, 40)))
            {
                Emit(EntityTypes.AwsSecretAccessKey, i, j, 0.9);
                return;
            }

            i = j;
        }
    }

    private const int AwsSecretWindow = 300;

    private static bool IsAwsSecretChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '/' or '+';

    internal static bool IsAwsSecretValue(ReadOnlySpan<char> value)
    {
        if (value.Length != 40 || value.Contains("EXAMPLE", StringComparison.Ordinal))
        {
            return false;
        }

        bool lower = false, upper = false, digit = false;
        foreach (var c in value)
        {
            if (!IsAwsSecretChar(c))
            {
                return false;
            }

            lower |= char.IsAsciiLetterLower(c);
            upper |= char.IsAsciiLetterUpper(c);
            digit |= char.IsAsciiDigit(c);
        }

        return lower && upper && digit && SecretText.Entropy(value) >= 4.0 && !SecretText.LooksLikePlaceholderToken(value);
    }
}
