namespace Bulwark.Detection.Secrets;

/// <summary>How strongly a key name says "the value is a secret".</summary>
internal enum KeyNameClass : byte
{
    None,

    /// <summary>Ends in "key" (license_key, key): the value must look like a long random token.</summary>
    Weak,

    /// <summary>token, secret, api_key, client_secret, auth...: the value must look random.</summary>
    Strong,

    /// <summary>password, passwd, pwd, passphrase: human-chosen values, so a lower bar.</summary>
    Password,
}

/// <summary>
/// Secret-like key names (<c>password=</c>, <c>"api_key": "..."</c>, <c>X-Auth-Token:</c>, <c>client_secret:</c>,
/// "my password is ...") followed by a value. The value is first scanned for specific formats; otherwise it is a
/// <see cref="EntityTypes.GenericSecret"/> when it passes length, character-class and Shannon-entropy thresholds
/// and is not a placeholder or a reference. A few vendors without a distinctive prefix (Datadog, Mistral, Cohere,
/// Discord bot tokens, Heroku legacy keys, AWS secret keys, GCP key ids) are recognised here through the key name.
/// </summary>
internal ref partial struct SecretScan
{
    private const int MaxKeyName = 64;
    private const int MaxValue = 256;

    private readonly int MatchKeyName(int at)
    {
        var nameStart = at;
        while (nameStart > 0 && at - nameStart < MaxKeyName && IsKeyNameChar(_text[nameStart - 1]))
        {
            nameStart--;
        }

        var nameEnd = at;
        while (nameEnd < _text.Length && nameEnd - nameStart < MaxKeyName && IsKeyNameChar(_text[nameEnd]))
        {
            nameEnd++;
        }

        Span<char> buffer = stackalloc char[MaxKeyName];
        var nameLength = 0;
        foreach (var c in _text[nameStart..nameEnd])
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                buffer[nameLength++] = char.ToLowerInvariant(c);
            }
        }

        var name = buffer[..nameLength];
        var nameClass = ClassifyKeyName(name);
        if (nameClass == KeyNameClass.None)
        {
            return nameEnd;
        }

        var valueStart = SkipSeparator(nameEnd, nameClass == KeyNameClass.Password || nameClass == KeyNameClass.Strong);
        if (valueStart < 0)
        {
            return nameEnd;
        }

        var valueEnd = ValueEnd(ref valueStart);
        if (valueEnd <= valueStart)
        {
            return nameEnd;
        }

        // A value holding a specific format (Bearer eyJ..., sk-proj-..., a mid-anchored Mailchimp key) is that format.
        var specificEnd = ScanValueForSpecific(valueStart, valueEnd);
        if (specificEnd > 0)
        {
            return specificEnd;
        }

        var value = _text[valueStart..valueEnd];
        var (entity, score) = ClassifyValue(name, nameClass, value);
        if (entity is null)
        {
            return nameEnd;
        }

        Emit(entity, valueStart, valueEnd, score);
        return valueEnd;
    }

    private static bool IsKeyNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';

    internal static KeyNameClass ClassifyKeyName(ReadOnlySpan<char> name)
    {
        if (name.Length < 3 || name.Contains("public", StringComparison.Ordinal) || name.Contains("publishable", StringComparison.Ordinal))
        {
            return KeyNameClass.None;
        }

        if (name.EndsWith("privatekeyid", StringComparison.Ordinal))
        {
            return KeyNameClass.Strong; // GCP service-account key id, checked by value shape in ClassifyValue
        }

        foreach (var suffix in (ReadOnlySpan<string>)["bypass", "compass", "passage", "tokens", "keys", "keyid", "primarykey",
                     "foreignkey", "sortkey", "partitionkey", "monkey", "turkey", "hockey", "whiskey", "hotkey", "passwordhash",
                     "passwordpolicy", "tokentype", "authtype", "authmethod", "authmode", "authurl", "tokenurl", "secretname",
                     "secretref", "secretarn", "tokenizer", "idempotencykey", "cachekey", "hashkey", "keyname"])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return KeyNameClass.None;
            }
        }

        foreach (var suffix in (ReadOnlySpan<string>)["password", "passwd", "pwd", "passphrase", "pass", "passwort", "motdepasse"])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return KeyNameClass.Password;
            }
        }

        foreach (var suffix in (ReadOnlySpan<string>)["secret", "secretkey", "apikey", "token", "accesskey", "privatekey",
                     "credential", "credentials", "signingkey", "encryptionkey", "masterkey", "auth", "authorization",
                     "authkey", "secretid", "sessionkey", "sharedkey", "appkey", "privatekeyid", "secretaccesskey"])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return KeyNameClass.Strong;
            }
        }

        return name.EndsWith("key", StringComparison.Ordinal) ? KeyNameClass.Weak : KeyNameClass.None;
    }

    /// <summary>
    /// After a key name: closing quote/bracket, spaces, then <c>=</c>, <c>:</c>, <c>:=</c>, <c>=&gt;</c>; for
    /// strong names also prose "is"/"was" ("my password is ..."). Returns the value start, or -1.
    /// </summary>
    private readonly int SkipSeparator(int i, bool allowProse)
    {
        var limit = Math.Min(_text.Length, i + 8);
        while (i < limit && _text[i] is '"' or '\'' or ']' or '`')
        {
            i++;
        }

        while (i < limit && _text[i] is ' ' or '\t')
        {
            i++;
        }

        if (i >= _text.Length)
        {
            return -1;
        }

        if (_text[i] is '=' or ':')
        {
            i++;
            if (i < _text.Length && _text[i] is '=' or '>')
            {
                if (_text[i - 1] == '=' && _text[i] == '=')
                {
                    return -1; // comparison, not assignment
                }

                i++;
            }
        }
        else if (allowProse && i > 0 && _text[i - 1] == ' ' && StartsWithWord(i, "is"))
        {
            i += 2;
        }
        else if (allowProse && i > 0 && _text[i - 1] == ' ' && StartsWithWord(i, "was"))
        {
            i += 3;
        }
        else
        {
            return -1;
        }

        limit = Math.Min(_text.Length, i + 8);
        while (i < limit && _text[i] is ' ' or '\t')
        {
            i++;
        }

        return i < _text.Length ? i : -1;
    }

    private readonly bool StartsWithWord(int i, string word) =>
        _text[i..].StartsWith(word, StringComparison.OrdinalIgnoreCase) &&
        (i + word.Length == _text.Length || _text[i + word.Length] is ' ' or '\t' or ':');

    /// <summary>Finds the value's end; skips an opening quote and a <c>Bearer </c>/<c>Basic </c>/<c>token </c> scheme.</summary>
    private readonly int ValueEnd(ref int valueStart)
    {
        var quote = _text[valueStart] is '"' or '\'' or '`' ? _text[valueStart] : '\0';
        if (quote != '\0')
        {
            valueStart++;
        }

        foreach (var scheme in (ReadOnlySpan<string>)["Bearer ", "Basic ", "token ", "Token ", "Bot "])
        {
            if (_text[valueStart..].StartsWith(scheme, StringComparison.Ordinal))
            {
                valueStart += scheme.Length;
                break;
            }
        }

        var end = valueStart;
        var limit = Math.Min(_text.Length, valueStart + MaxValue + 1);
        while (end < limit)
        {
            var c = _text[end];
            if (quote != '\0' ? c == quote || c is '\n' or '\r' : char.IsWhiteSpace(c) || c is '"' or '\'' or '`' or ',' or ';' or '<' or '>' or ')' or ']' or '}')
            {
                break;
            }

            if (quote == '\0' && c == '&' && StartsQueryParameter(end + 1))
            {
                break; // ?token=abc&page=2 — but a password may contain '&' (p4&ss)
            }

            end++;
        }

        if (end - valueStart > MaxValue)
        {
            return -1;
        }

        while (quote == '\0' && end > valueStart && _text[end - 1] is '.' or ':' or '!' or '?')
        {
            end--; // sentence punctuation after an unquoted value
        }

        return end;
    }

    /// <summary>True when <c>name=</c> follows (a URL query's next parameter).</summary>
    private readonly bool StartsQueryParameter(int i)
    {
        var j = i;
        while (j < _text.Length && j - i < 32 && (char.IsAsciiLetterOrDigit(_text[j]) || _text[j] is '_' or '-' or '.'))
        {
            j++;
        }

        return j > i && j < _text.Length && _text[j] == '=';
    }

    /// <summary>Runs the specific (non key-name) anchors over a value; returns the end of the last finding, or -1.</summary>
    private readonly int ScanValueForSpecific(int start, int end)
    {
        var result = -1;
        var pos = start;
        while (pos < end)
        {
            var rel = SecretRules.AnchorSearch.IndexOfAny(_text[pos..end]);
            if (rel < 0)
            {
                break;
            }

            var at = pos + rel;
            var next = Dispatch(at, allowKeyNames: false);
            if (next > at)
            {
                result = next;
                pos = next;
            }
            else
            {
                pos = at + 1;
            }
        }

        return result;
    }

    private static (string? Entity, double Score) ClassifyValue(ReadOnlySpan<char> name, KeyNameClass nameClass, ReadOnlySpan<char> value)
    {
        // Vendors recognised by context: the key name says whose key it is.
        if ((name.Contains("awssecret", StringComparison.Ordinal) || name.Contains("secretaccesskey", StringComparison.Ordinal)) &&
            IsAwsSecretValue(value))
        {
            return (EntityTypes.AwsSecretAccessKey, 0.95);
        }

        if (name.EndsWith("privatekeyid", StringComparison.Ordinal))
        {
            return value.Length == 40 && SecretText.IsAll(value, Charset.HexLower) && SecretText.HasTokenEntropy(value)
                ? (EntityTypes.GcpServiceAccountKey, 0.9)
                : (null, 0);
        }

        if ((name.Contains("datadog", StringComparison.Ordinal) || name.StartsWith("dd", StringComparison.Ordinal)) &&
            value.Length is 32 or 40 && SecretText.IsAll(value, Charset.HexLower) && IsRandomToken(value))
        {
            return (EntityTypes.DatadogApiKey, 0.9);
        }

        if (name.Contains("mistral", StringComparison.Ordinal) && value.Length == 32 && SecretText.IsAll(value, Charset.Base62) && IsRandomToken(value))
        {
            return (EntityTypes.MistralApiKey, 0.9);
        }

        if (name.Contains("cohere", StringComparison.Ordinal) && value.Length == 40 && SecretText.IsAll(value, Charset.Base62) && IsRandomToken(value))
        {
            return (EntityTypes.CohereApiKey, 0.9);
        }

        if (name.Contains("discord", StringComparison.Ordinal) && IsDiscordBotToken(value))
        {
            return (EntityTypes.DiscordBotToken, 0.9);
        }

        if (name.Contains("heroku", StringComparison.Ordinal) && SecretText.IsUuid(value))
        {
            return (EntityTypes.HerokuApiKey, 0.85);
        }

        return IsGenericSecretValue(nameClass, value) ? (EntityTypes.GenericSecret, nameClass == KeyNameClass.Weak ? 0.6 : 0.75) : (null, 0);
    }

    private static bool IsRandomToken(ReadOnlySpan<char> value) =>
        !SecretText.LooksLikePlaceholderToken(value) && SecretText.HasTokenEntropy(value);

    /// <summary>Discord bot token: base64 user id (24-26), '.', timestamp (6-7), '.', HMAC (27-38).</summary>
    private static bool IsDiscordBotToken(ReadOnlySpan<char> value)
    {
        var first = value.IndexOf('.');
        var last = value.LastIndexOf('.');
        if (first is < 24 or > 26 || last - first - 1 is < 6 or > 7 || value.Length - last - 1 is < 27 or > 38)
        {
            return false;
        }

        return SecretText.IsAll(value[..first], Charset.Base62Dash) && SecretText.IsAll(value[(last + 1)..], Charset.Base62Dash) &&
               IsRandomToken(value[(last + 1)..]);
    }

    /// <summary>
    /// Thresholds per key-name class. Passwords: 6+ characters, 2+ character classes, entropy >= 2.3 bits/char.
    /// Tokens and secrets: 12+ characters, 2+ classes with a digit (or 3+ classes), entropy >= 3.0. Weak names
    /// ("key"): 20+ characters, a digit, entropy >= 3.5, and not a bare hash (40/64 hex) or UUID.
    /// </summary>
    internal static bool IsGenericSecretValue(KeyNameClass nameClass, ReadOnlySpan<char> value)
    {
        if (value.Length > MaxValue || SecretText.LooksLikePlaceholderValue(value) || SecretText.IsDocumentedExample(value) || value.Contains("://", StringComparison.Ordinal))
        {
            return false;
        }

        var classes = SecretText.CharClasses(value, out var digits);
        var entropy = SecretText.Entropy(value);
        switch (nameClass)
        {
            case KeyNameClass.Password:
                return value.Length >= 6 && classes >= 2 && entropy >= 2.3 && digits < value.Length;
            case KeyNameClass.Strong:
                return value.Length >= 12 && (classes >= 3 || (classes == 2 && digits > 0)) && entropy >= 3.0 &&
                       digits < value.Length && !IsVersionOrDate(value);
            case KeyNameClass.Weak:
                return value.Length >= 20 && digits > 0 && classes >= 2 && entropy >= 3.5 && !SecretText.IsUuid(value) &&
                       !(value.Length is 40 or 64 && SecretText.IsAll(value, Charset.Hex));
            default:
                return false;
        }
    }

    /// <summary>1.2.3, 2024-05-01, 10:30:00: digits with separators only.</summary>
    private static bool IsVersionOrDate(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!(char.IsAsciiDigit(c) || c is '.' or '-' or ':' or '/' or 'v' or 'T' or 'Z'))
            {
                return false;
            }
        }

        return true;
    }
}
