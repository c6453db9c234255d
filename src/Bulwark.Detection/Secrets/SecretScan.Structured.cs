namespace Bulwark.Detection.Secrets;

/// <summary>Formats with more structure than prefix + body: key blocks, JWTs, URLs, webhooks, mid-token anchors.</summary>
internal ref partial struct SecretScan
{
    private const int MaxPemBlock = 32 * 1024;

    /// <summary>
    /// <c>-----BEGIN [RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP ]PRIVATE KEY[ BLOCK]-----</c> through the matching END line
    /// (the span is the whole block). Blocks whose body is elided (<c>MIIE...</c>) or too short to be a key are not
    /// reported. A block cut off before its END line is reported up to the last base64 character when it still holds
    /// a substantial body. JSON-escaped newlines (<c>\n</c>, as in GCP service-account files) are accepted.
    /// </summary>
    private readonly int MatchPemBlock(int at)
    {
        var afterBegin = at + "-----BEGIN".Length;
        var labelLength = _text[afterBegin..Math.Min(_text.Length, afterBegin + 40)].IndexOf("-----", StringComparison.Ordinal);
        if (labelLength < 0 || !_text[at..].StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            return NoMatch;
        }

        var label = _text.Slice(afterBegin, labelLength).Trim();
        if (!(label.EndsWith("PRIVATE KEY", StringComparison.Ordinal) || label.EndsWith("PRIVATE KEY BLOCK", StringComparison.Ordinal)))
        {
            return NoMatch;
        }

        var bodyStart = afterBegin + labelLength + 5;
        var window = _text[bodyStart..Math.Min(_text.Length, bodyStart + MaxPemBlock)];
        var endLine = window.IndexOf("-----END", StringComparison.Ordinal);
        int bodyEnd, blockEnd, minBody;
        if (endLine >= 0)
        {
            bodyEnd = bodyStart + endLine;
            var close = _text[(bodyEnd + 8)..Math.Min(_text.Length, bodyEnd + 80)].IndexOf("-----", StringComparison.Ordinal);
            blockEnd = close >= 0 ? bodyEnd + 8 + close + 5 : bodyEnd + 8;
            minBody = 64;
        }
        else
        {
            var last = bodyStart;
            for (var i = bodyStart; i < bodyStart + window.Length; i++)
            {
                var c = _text[i];
                if (SecretText.InCharset(c, Charset.Base64))
                {
                    last = i + 1;
                }
                else if (!(char.IsWhiteSpace(c) || c is '\\' or ':' or ',' or '-'))
                {
                    break;
                }
            }

            bodyEnd = blockEnd = last;
            minBody = 200;
        }

        var body = _text[bodyStart..bodyEnd];
        var base64Chars = 0;
        foreach (var c in body)
        {
            base64Chars += SecretText.InCharset(c, Charset.Base64) ? 1 : 0;
        }

        if (base64Chars < minBody || body.Contains("...", StringComparison.Ordinal) || body.Contains('…') ||
            SecretText.Entropy(body) < 4.0)
        {
            return NoMatch;
        }

        Emit(EntityTypes.PrivateKey, at, blockEnd, 0.99);
        return blockEnd;
    }

    /// <summary>
    /// JWT: <c>header.payload.signature</c> in base64url, header and payload JSON objects (<c>eyJ</c> = <c>{"</c>),
    /// the decoded header holding <c>"alg"</c>, and a signature of at least 16 characters (unsigned
    /// <c>alg: none</c> tokens carry no secret). The example token on jwt.io (signed with "your-256-bit-secret") is a
    /// documented example and is not reported. Also Grafana API keys: one base64 JSON blob starting
    /// <c>{"k":</c> (<c>eyJrIjoi</c>).
    /// </summary>
    private readonly int MatchJwt(int at)
    {
        if (!_text[at..].StartsWith("eyJ", StringComparison.Ordinal) || (at > 0 && IsBase64UrlChar(_text[at - 1])))
        {
            return NoMatch;
        }

        if (_text[at..].StartsWith("eyJrIjoi", StringComparison.Ordinal))
        {
            var grafanaLength = SecretText.RunLength(_text, at, Charset.Base64, 301);
            if (grafanaLength is >= 70 and <= 300 && SecretText.HasRightBoundary(_text, at + grafanaLength))
            {
                Emit(EntityTypes.GrafanaToken, at, at + grafanaLength, 0.9);
                return at + grafanaLength;
            }
        }

        var headerLength = Base64UrlRun(at, 1024);
        var payloadStart = at + headerLength + 1;
        if (headerLength < 10 || payloadStart >= _text.Length || _text[payloadStart - 1] != '.' ||
            !_text[payloadStart..].StartsWith("eyJ", StringComparison.Ordinal))
        {
            return NoMatch;
        }

        var payloadLength = Base64UrlRun(payloadStart, 16 * 1024);
        var signatureStart = payloadStart + payloadLength + 1;
        if (payloadLength < 10 || signatureStart > _text.Length || _text[signatureStart - 1] != '.')
        {
            return NoMatch;
        }

        var signatureLength = Base64UrlRun(signatureStart, 1024);
        var end = signatureStart + signatureLength;
        var signature = _text.Slice(signatureStart, signatureLength);
        if (signatureLength < 16 || (end < _text.Length && SecretText.IsWordChar(_text[end])) ||
            SecretText.IsDocumentedExample(signature) || SecretText.LooksLikePlaceholderToken(signature) ||
            !HeaderHasAlg(_text.Slice(at, headerLength)))
        {
            return NoMatch;
        }

        Emit(EntityTypes.Jwt, at, end, 0.95);
        return end;
    }

    private readonly int Base64UrlRun(int start, int cap)
    {
        var i = start;
        var limit = Math.Min(_text.Length, start + cap);
        while (i < limit && IsBase64UrlChar(_text[i]))
        {
            i++;
        }

        return i - start;
    }

    private static bool IsBase64UrlChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

    /// <summary>Decodes a base64url JWT header (no padding) on the stack and looks for the <c>"alg"</c> member.</summary>
    private static bool HeaderHasAlg(ReadOnlySpan<char> header)
    {
        Span<byte> bytes = stackalloc byte[768];
        int written = 0, buffer = 0, bits = 0;
        foreach (var c in header)
        {
            int v = c switch
            {
                >= 'A' and <= 'Z' => c - 'A',
                >= 'a' and <= 'z' => c - 'a' + 26,
                >= '0' and <= '9' => c - '0' + 52,
                '-' => 62,
                _ => 63,
            };
            buffer = (buffer << 6) | v;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                bytes[written++] = (byte)(buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }

        return bytes[..written].IndexOf("\"alg\""u8) >= 0;
    }

    /// <summary>
    /// <c>scheme://user:password@host</c>: the span runs from the scheme to the end of host[:port], so the
    /// finding names the connection. Not reported when the password is a placeholder (<c>password</c>,
    /// <c>${DB_PASSWORD}</c>, <c>****</c>, <c>&lt;pass&gt;</c>) or shorter than 3 characters.
    /// </summary>
    private readonly int MatchUrlUserInfo(int at)
    {
        var schemeStart = at;
        while (schemeStart > 0 && at - schemeStart < 32 &&
               (char.IsAsciiLetterOrDigit(_text[schemeStart - 1]) || _text[schemeStart - 1] is '+' or '.' or '-'))
        {
            schemeStart--;
        }

        if (at - schemeStart < 2 || !char.IsAsciiLetter(_text[schemeStart]))
        {
            return NoMatch;
        }

        var authorityStart = at + 3;
        var authorityEnd = authorityStart;
        var limit = Math.Min(_text.Length, authorityStart + 512);
        while (authorityEnd < limit && !IsAuthorityTerminator(_text[authorityEnd]))
        {
            authorityEnd++;
        }

        var authority = _text[authorityStart..authorityEnd];
        var atSign = authority.LastIndexOf('@');
        if (atSign <= 0)
        {
            return NoMatch;
        }

        var userInfo = authority[..atSign];
        var colon = userInfo.IndexOf(':');
        if (colon < 0)
        {
            return NoMatch;
        }

        var password = userInfo[(colon + 1)..];
        var host = authority[(atSign + 1)..];
        while (!host.IsEmpty && host[^1] is '.' or ',' or ';' or ':')
        {
            host = host[..^1];
        }

        if (host.IsEmpty || !(char.IsAsciiLetterOrDigit(host[0]) || host[0] == '['))
        {
            return NoMatch;
        }

        if (password.Length < 3 || SecretText.LooksLikePlaceholderValue(password) ||
            password.Equals("pass", StringComparison.OrdinalIgnoreCase) || password.Equals("pwd", StringComparison.OrdinalIgnoreCase))
        {
            return NoMatch;
        }

        var end = authorityStart + atSign + 1 + host.Length;
        Emit(EntityTypes.PasswordInUrl, schemeStart, end, 0.9);
        return end;
    }

    private static bool IsAuthorityTerminator(char c) =>
        char.IsWhiteSpace(c) || c is '/' or '?' or '#' or '"' or '\'' or '<' or '>' or '`' or ')' or '(' or ']' or '|' or '\\';

    /// <summary>
    /// Slack incoming webhooks and workflow triggers: <c>hooks.slack.com/services/T.../B.../secret</c> (and
    /// <c>/workflows/</c>, <c>/triggers/</c>). The span includes a preceding <c>https://</c>.
    /// </summary>
    private readonly int MatchSlackWebhook(int at)
    {
        var pathStart = at + "hooks.slack.com/".Length;
        var rest = _text[pathStart..];
        if (!(rest.StartsWith("services/T", StringComparison.Ordinal) || rest.StartsWith("workflows/T", StringComparison.Ordinal) ||
              rest.StartsWith("triggers/T", StringComparison.Ordinal)))
        {
            return NoMatch;
        }

        var pathEnd = pathStart;
        while (pathEnd < _text.Length && pathEnd - pathStart < 200 && (IsBase64UrlChar(_text[pathEnd]) || _text[pathEnd] == '/'))
        {
            pathEnd++;
        }

        var path = _text[pathStart..pathEnd].TrimEnd('/');
        var secret = path[(path.LastIndexOf('/') + 1)..];
        if (secret.Length < 20 || SecretText.LooksLikePlaceholderToken(path) || !SecretText.HasTokenEntropy(secret) ||
            path.Contains("T00000000", StringComparison.Ordinal))
        {
            return NoMatch;
        }

        var start = WithScheme(at);
        var end = pathStart + path.Length;
        Emit(EntityTypes.SlackToken, start, end, 0.95);
        return end;
    }

    /// <summary><c>discord.com/api/webhooks/&lt;17-20 digit id&gt;/&lt;60-70 character token&gt;</c>.</summary>
    private readonly int MatchDiscordWebhook(int at, int anchorLength)
    {
        var idStart = at + anchorLength;
        var idLength = 0;
        while (idStart + idLength < _text.Length && char.IsAsciiDigit(_text[idStart + idLength]) && idLength < 21)
        {
            idLength++;
        }

        var tokenStart = idStart + idLength + 1;
        if (idLength is < 17 or > 20 || tokenStart >= _text.Length || _text[tokenStart - 1] != '/')
        {
            return NoMatch;
        }

        var tokenLength = Base64UrlRun(tokenStart, 71);
        var token = _text.Slice(tokenStart, tokenLength);
        if (tokenLength is < 60 or > 70 || SecretText.LooksLikePlaceholderToken(token) || !SecretText.HasTokenEntropy(token))
        {
            return NoMatch;
        }

        var end = tokenStart + tokenLength;
        Emit(EntityTypes.DiscordWebhookUrl, WithScheme(at), end, 0.95);
        return end;
    }

    /// <summary>Start of <c>https://</c> (or <c>http://</c>) right before a host, else the host itself.</summary>
    private readonly int WithScheme(int hostStart)
    {
        foreach (var scheme in (ReadOnlySpan<string>)["https://", "http://"])
        {
            if (hostStart >= scheme.Length && _text[(hostStart - scheme.Length)..hostStart].Equals(scheme, StringComparison.OrdinalIgnoreCase))
            {
                return hostStart - scheme.Length;
            }
        }

        return hostStart;
    }

    /// <summary>Mailchimp: 32 hex + <c>-us</c> + data-center number; the anchor is the suffix.</summary>
    private readonly int MatchMailchimp(int at)
    {
        var start = at - 32;
        if (start < 0 || !_text[at..].StartsWith("-us", StringComparison.Ordinal) || !SecretText.HasLeftBoundary(_text, start))
        {
            return NoMatch;
        }

        var hex = _text.Slice(start, 32);
        var dcLength = 0;
        while (at + 3 + dcLength < _text.Length && char.IsAsciiDigit(_text[at + 3 + dcLength]) && dcLength < 3)
        {
            dcLength++;
        }

        var end = at + 3 + dcLength;
        if (dcLength is < 1 or > 2 || !SecretText.HasRightBoundary(_text, end) || !SecretText.IsAll(hex, Charset.HexLower) ||
            SecretText.LooksLikePlaceholderToken(hex) || !SecretText.HasTokenEntropy(hex))
        {
            return NoMatch;
        }

        Emit(EntityTypes.MailchimpApiKey, start, end, 0.95);
        return end;
    }

    /// <summary>Azure AD (Entra ID) client secret: 3 characters, a digit, <c>Q~</c>, then 31-34 characters.</summary>
    private readonly int MatchAzureAdSecret(int at)
    {
        var start = at - 4;
        if (start < 0 || _text[at] != 'Q' || !char.IsAsciiDigit(_text[at - 1]) || !SecretText.HasLeftBoundary(_text, start))
        {
            return NoMatch;
        }

        for (var i = start; i < at - 1; i++)
        {
            if (!IsAzureSecretChar(_text[i]))
            {
                return NoMatch;
            }
        }

        var tailStart = at + 2;
        var tailLength = 0;
        while (tailStart + tailLength < _text.Length && tailLength < 35 && (IsAzureSecretChar(_text[tailStart + tailLength]) || _text[tailStart + tailLength] == '-'))
        {
            tailLength++;
        }

        var end = tailStart + tailLength;
        var tail = _text.Slice(tailStart, tailLength);
        if (tailLength is < 31 or > 34 || !SecretText.HasRightBoundary(_text, end) || SecretText.LooksLikePlaceholderToken(tail) ||
            !SecretText.HasTokenEntropy(tail))
        {
            return NoMatch;
        }

        Emit(EntityTypes.AzureAdClientSecret, start, end, 0.9);
        return end;
    }

    private static bool IsAzureSecretChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '~' or '.';

    /// <summary>Terraform Cloud / Enterprise API token: 14 alphanumerics, <c>.atlasv1.</c>, 60-70 characters.</summary>
    private readonly int MatchTerraformCloud(int at)
    {
        var start = at - 14;
        if (start < 0 || !SecretText.IsAll(_text[start..at], Charset.Base62) || !SecretText.HasLeftBoundary(_text, start))
        {
            return NoMatch;
        }

        var tailStart = at + ".atlasv1.".Length;
        var tailLength = SecretText.RunLength(_text, tailStart, Charset.Base64Url, 71);
        var end = tailStart + tailLength;
        var tail = _text.Slice(tailStart, tailLength);
        if (tailLength is < 60 or > 70 || SecretText.LooksLikePlaceholderToken(tail) || !SecretText.HasTokenEntropy(tail))
        {
            return NoMatch;
        }

        Emit(EntityTypes.TerraformCloudToken, start, end, 0.95);
        return end;
    }

    /// <summary>Telegram bot token: 8-10 digit bot id, <c>:AA</c>, 33 more base64url characters (also after <c>/bot</c> in API URLs).</summary>
    private readonly int MatchTelegramBot(int at)
    {
        var start = at;
        while (start > 0 && at - start <= 10 && char.IsAsciiDigit(_text[start - 1]))
        {
            start--;
        }

        var digits = at - start;
        var afterBot = start >= 3 && _text[(start - 3)..start].Equals("bot", StringComparison.OrdinalIgnoreCase);
        if (digits is < 8 or > 10 || !(afterBot || SecretText.HasLeftBoundary(_text, start)) ||
            !_text[at..].StartsWith(":AA", StringComparison.Ordinal))
        {
            return NoMatch;
        }

        var secretStart = at + 1;
        var secretLength = Base64UrlRun(secretStart, 36);
        var end = secretStart + secretLength;
        var secret = _text.Slice(secretStart, secretLength);
        if (secretLength != 35 || SecretText.LooksLikePlaceholderToken(secret) || !SecretText.HasTokenEntropy(secret))
        {
            return NoMatch;
        }

        Emit(EntityTypes.TelegramBotToken, start, end, 0.95);
        return end;
    }

    /// <summary>Firebase Cloud Messaging legacy server key: <c>AAAA</c> + 7 characters, <c>:APA91b</c>, 100-200 characters.</summary>
    private readonly int MatchFirebaseFcm(int at)
    {
        var start = at - 11;
        if (start < 0 || !_text[start..].StartsWith("AAAA", StringComparison.Ordinal) || !SecretText.HasLeftBoundary(_text, start) ||
            Base64UrlRun(start, 11) != 11 || !_text[at..].StartsWith(":APA91b", StringComparison.Ordinal))
        {
            return NoMatch;
        }

        var tailStart = at + ":APA91b".Length;
        var tailLength = Base64UrlRun(tailStart, 201);
        var end = tailStart + tailLength;
        var tail = _text.Slice(tailStart, tailLength);
        if (tailLength is < 100 or > 200 || SecretText.LooksLikePlaceholderToken(tail) || !SecretText.HasTokenEntropy(tail))
        {
            return NoMatch;
        }

        Emit(EntityTypes.FirebaseFcmServerKey, start, end, 0.95);
        return end;
    }

    /// <summary><c>AccountKey=&lt;base64&gt;</c> / <c>SharedAccessKey=&lt;base64&gt;</c> in Azure connection strings; the span is the key.</summary>
    private readonly int MatchAzureKeyValue(int at, int anchorLength, string entity, int minLength, int maxLength)
    {
        var valueStart = at + anchorLength;
        var length = SecretText.RunLength(_text, valueStart, Charset.Base64, maxLength + 1);
        var value = _text.Slice(valueStart, length);
        if (length < minLength || length > maxLength || SecretText.LooksLikePlaceholderToken(value) || SecretText.Entropy(value) < 4.0)
        {
            return NoMatch;
        }

        Emit(entity, valueStart, valueStart + length, 0.95);
        return valueStart + length;
    }
}
