using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using Bulwark.FunctionalTests.Infrastructure;
using Bulwark.Testing;
using OpenAI.Chat;

namespace Bulwark.FunctionalTests;

/// <summary>The detectors through the real gateway: block, each redaction operator, and restoring pseudonyms.</summary>
public sealed class DetectionTests
{
    private const string Email = "alice.smith@example.org";
    private const string Card = "4539 1488 0343 6467"; // passes Luhn

    private static string Config(string upstream, string detection) =>
        GatewayFixture.Listeners() + $"""
        routes:
          - name: openai
            path_prefix: /openai
            upstream: {upstream}
            api_key: sk-gateway
            detection:
        {detection}
        """;

    private static string LastUserContent(RecordedRequest request)
    {
        using var doc = JsonDocument.Parse(request.Body);
        return doc.RootElement.GetProperty("messages").EnumerateArray().Last().GetProperty("content").GetString()!;
    }

    /// <summary>The answer's text as the OpenAI SDK reads it from a streamed chat completion.</summary>
    private static async Task<string> StreamedTextAsync(GatewayFixture fixture, string prompt)
    {
        var text = new StringBuilder();
        await foreach (var update in KeyInjectionTests.ChatClientFor(fixture).CompleteChatStreamingAsync([new UserChatMessage(prompt)]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        return text.ToString();
    }

    /// <summary>A gateway whose route redacts OpenAI keys in answers, before an upstream that streams <paramref name="events"/> as given.</summary>
    private static async Task<GatewayFixture> StartRedactingKeysAsync(params string[] events)
    {
        var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, """
                  response:
                    OPENAI_API_KEY: { action: redact, operator: placeholder }
            """));
        fixture.Upstream.Script = (_, _) => new ScriptedResponse { RawEvents = events };
        return fixture;
    }

    [Fact]
    public async Task CardNumberInPrompt_DefaultPolicyBlocks_ErrorNamesEntityNotValue()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, """
                  request:
                    CREDIT_CARD: { action: block }
            """));

        var error = await Should.ThrowAsync<ClientResultException>(() =>
            KeyInjectionTests.ChatClientFor(fixture).CompleteChatAsync([new UserChatMessage($"Charge my card {Card} please")]));

        error.Status.ShouldBe(403);
        error.Message.ShouldContain("sensitive_data");
        error.Message.ShouldContain("CREDIT_CARD");
        error.Message.ShouldNotContain("4539");
        fixture.Upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Logprobs_OnARouteThatInspectsAnswers_AreRefused_NamingTheFix()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, string.Empty));
        var options = new ChatCompletionOptions { IncludeLogProbabilities = true, TopLogProbabilityCount = 2 };

        var error = await Should.ThrowAsync<ClientResultException>(() =>
            KeyInjectionTests.ChatClientFor(fixture).CompleteChatAsync([new UserChatMessage("hello")], options));

        error.Status.ShouldBe(400);
        error.Message.ShouldContain("logprobs_not_inspectable");
        error.Message.ShouldContain("scan_responses");
        fixture.Upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task AudioAnswers_OnARouteThatInspectsAnswers_AreRefused()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, string.Empty));
        using var client = new HttpClient { BaseAddress = fixture.ProxyAddress };

        using var response = await client.PostAsync("/openai/v1/chat/completions", new StringContent(
            """{"model":"gpt-4o-audio-preview","modalities":["text","audio"],"audio":{"voice":"alloy","format":"wav"},"messages":[{"role":"user","content":"hi"}]}""",
            Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("audio_not_inspectable");
        fixture.Upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Logprobs_OnARouteThatDoesNotScanAnswers_AreForwarded()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, """
                  scan_responses: false
            """));
        var options = new ChatCompletionOptions { IncludeLogProbabilities = true };

        await KeyInjectionTests.ChatClientFor(fixture).CompleteChatAsync([new UserChatMessage("hello")], options);

        fixture.Upstream.Requests.ShouldHaveSingleItem().Body.ShouldContain("\"logprobs\":true");
    }

    [Fact]
    public async Task SecretInSystemPrompt_DefaultPolicy_IsBlocked()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => GatewayFixture.Listeners() + $"""
            routes:
              - name: openai
                path_prefix: /openai
                upstream: {up}
            """);

        var error = await Should.ThrowAsync<ClientResultException>(() =>
            KeyInjectionTests.ChatClientFor(fixture).CompleteChatAsync([
                new SystemChatMessage("Use the AWS key AKIAZ7VRSQ4TLMH3BQ5P to call S3."),
                new UserChatMessage("List my buckets")]));

        error.Status.ShouldBe(403);
        error.Message.ShouldContain("AWS_ACCESS_KEY_ID");
        fixture.Upstream.Requests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("{ action: redact, operator: mask, keep: 4 }", "*******************.org")]
    [InlineData("{ action: redact, operator: placeholder }", "<EMAIL_ADDRESS_1>")]
    public async Task RedactOperator_RewritesTheTextTheUpstreamReceives(string rule, string expected)
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, $"""
                  request:
                    EMAIL_ADDRESS: {rule}
            """));

        await KeyInjectionTests.ChatClientFor(fixture).CompleteChatAsync([new UserChatMessage($"Write to {Email} today")]);

        var sent = LastUserContent(fixture.Upstream.Requests.ShouldHaveSingleItem());
        sent.ShouldBe($"Write to {expected} today");
        fixture.Upstream.Requests[0].Body.ShouldNotContain(Email);
    }

    [Fact]
    public async Task HashOperator_IsSaltedAndStablePerValue()
    {
        Environment.SetEnvironmentVariable("BULWARK_TEST_SALT", "a-long-random-salt-for-the-test-0001");
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, """
                  hash_salt: ${BULWARK_TEST_SALT}
                  request:
                    EMAIL_ADDRESS: { action: redact, operator: hash }
            """));

        await KeyInjectionTests.ChatClientFor(fixture).CompleteChatAsync([new UserChatMessage($"{Email} and again {Email}")]);

        var sent = LastUserContent(fixture.Upstream.Requests.ShouldHaveSingleItem());
        sent.ShouldNotContain(Email);
        var match = System.Text.RegularExpressions.Regex.Match(sent, "^<EMAIL_ADDRESS:([0-9a-f]{8})> and again <EMAIL_ADDRESS:([0-9a-f]{8})>$");
        match.Success.ShouldBeTrue(sent);
        match.Groups[1].Value.ShouldBe(match.Groups[2].Value);
    }

    [Fact]
    public async Task HashOperator_WithoutSalt_RefusesToStart()
    {
        var error = await Should.ThrowAsync<Bulwark.Gateway.Configuration.ConfigException>(() => GatewayFixture.StartAsync((up, _) => Config(up, """
                  request:
                    EMAIL_ADDRESS: { action: redact, operator: hash }
            """)));

        error.Message.ShouldContain("routes[0].detection.hash_salt");
    }

    [Fact]
    public async Task Pseudonymize_RestoresOriginalInTheJsonAnswer_AndInToolCallArguments()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, """
                  request:
                    EMAIL_ADDRESS: { action: redact, operator: pseudonymize }
            """));
        fixture.Upstream.Script = (request, _) =>
        {
            var placeholder = LastUserContent(request).Contains("<EMAIL_ADDRESS_1>", StringComparison.Ordinal) ? "<EMAIL_ADDRESS_1>" : "MISSING";
            return new ScriptedResponse(200, JsonSerializer.Serialize(new
            {
                id = "c1",
                @object = "chat.completion",
                created = 1700000000,
                model = "m",
                choices = new[]
                {
                    new
                    {
                        index = 0,
                        finish_reason = "tool_calls",
                        message = new
                        {
                            role = "assistant",
                            content = $"I will write to {placeholder}.",
                            tool_calls = new[] { new { id = "t1", type = "function", function = new { name = "send_mail", arguments = $"{{\"to\":\"{placeholder}\"}}" } } },
                        },
                    },
                },
            }));
        };

        var completion = (await KeyInjectionTests.ChatClientFor(fixture).CompleteChatAsync([new UserChatMessage($"Email {Email} the report")])).Value;

        LastUserContent(fixture.Upstream.Requests.ShouldHaveSingleItem()).ShouldBe("Email <EMAIL_ADDRESS_1> the report");
        completion.Content[0].Text.ShouldBe($"I will write to {Email}.");
        completion.ToolCalls.ShouldHaveSingleItem().FunctionArguments.ToString().ShouldBe($"{{\"to\":\"{Email}\"}}");
    }

    [Fact]
    public async Task Pseudonymize_PlaceholderSplitAcrossStreamedEvents_IsRestored()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, """
                  request:
                    EMAIL_ADDRESS: { action: redact, operator: pseudonymize }
            """));
        fixture.Upstream.Script = (_, _) => new ScriptedResponse
        {
            StreamDeltas = ["Sure, I will ", "email <EMA", "IL_ADD", "RESS_", "1", ">", " tomorrow."],
        };

        var text = await StreamedTextAsync(fixture, $"Email {Email} please");

        LastUserContent(fixture.Upstream.Requests.ShouldHaveSingleItem()).ShouldBe("Email <EMAIL_ADDRESS_1> please");
        text.ShouldBe($"Sure, I will email {Email} tomorrow.");
    }

    [Fact]
    public async Task SecretLeakingFromTheModel_InAStream_IsRedactedOnTheFly()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, """
                  response:
                    GENERIC_SECRET: { action: redact, operator: placeholder }
                    GITHUB_TOKEN: { action: redact, operator: placeholder }
                    OPENAI_API_KEY: { action: redact, operator: placeholder }
            """));
        fixture.Upstream.Script = (_, _) => new ScriptedResponse
        {
            StreamDeltas = ["The key is sk-proj-", "Xq7RtY2mN9vB4kL8pW3zH6jF1dS5aG0eQc2UiOyTr", "Ze and done."],
        };

        var text = await StreamedTextAsync(fixture, "what is the key");

        text.ShouldNotContain("Xq7RtY2mN9vB4kL8pW3zH6jF1dS5aG0eQc2UiOyTr");
        text.ShouldStartWith("The key is <");
        text.ShouldEndWith("> and done.");
        (await fixture.Logs.WaitForAsync(l => l.Contains("[10]", StringComparison.Ordinal))).ShouldBeTrue();
        fixture.Logs.All.ShouldContain("decision=redacted");
    }

    [Fact]
    public async Task SecretAfterABareCarriageReturn_InAStream_IsRedactedBeforeTheSdkReadsIt()
    {
        // A lone CR ends a line for the SDK's event parser: "event: x\rdata: ..." is an event line and a data line.
        await using var fixture = await StartRedactingKeysAsync(
            "event: chunk\r" + FakeUpstream.ChunkEvent("The key is sk-proj-Xq7RtY2mN9vB4kL8pW3zH6jF1dS5aG0eQc2UiOyTr and done.", first: true),
            FakeUpstream.EndEvents(1));

        var text = await StreamedTextAsync(fixture, "what is the key");

        text.ShouldStartWith("The key is <");
        text.ShouldNotContain("Xq7RtY2mN9vB4kL8pW3zH6jF1dS5aG0eQc2UiOyTr");
    }

    [Fact]
    public async Task ContentPartsAndUnreadableJson_InAStream_NeverReachTheClientRaw()
    {
        await using var fixture = await StartRedactingKeysAsync(
            // Content as parts, the key split across two events.
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"The key is sk-proj-Xq7RtY2mN9vB4\"}]}}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"kL8pW3zH6jF1dS5aG0eQc2UiOyTr and done. \"}]}}]}\n\n",
            // A property twice, the second with an escaped key: clients read the second.
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"fine\",\"content\":\"sk-proj-Xq7R\\u0074Y2mN9vB4kL8pW3zH6jF1dS5aG0eQc2UiOyTr\"}}]}\n\n",
            FakeUpstream.EndEvents(3));
        using var client = new HttpClient { BaseAddress = fixture.ProxyAddress };

        using var request = new HttpRequestMessage(HttpMethod.Post, "/openai/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"m","stream":true,"messages":[{"role":"user","content":"the key?"}]}""", Encoding.UTF8, "application/json"),
        };
        var body = await ReadUntilAbortedAsync(client, request);

        var decoded = System.Text.RegularExpressions.Regex.Replace(body.ToString(), @"\\u([0-9a-fA-F]{4})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());
        decoded.ShouldNotContain("kL8pW3zH6jF1dS5aG0eQc2UiOyTr");
        decoded.ShouldNotContain("Xq7RtY2mN9vB4");
        body.ToString().ShouldContain("response_not_inspectable");
        (await fixture.Logs.WaitForAsync(l => l.Contains("[10]", StringComparison.Ordinal))).ShouldBeTrue();
        fixture.Logs.All.ShouldContain("response_not_inspectable");
    }

    /// <summary>A streamed answer's raw bytes as text, read until the end or until the gateway aborts the connection.</summary>
    private static async Task<StringBuilder> ReadUntilAbortedAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync();
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                body.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // The gateway aborts the connection after the error event.
        }

        return body;
    }

    [Fact]
    public async Task ResponseBlockRule_OnAnAnthropicStream_EndsWithAnEventNamedError()
    {
        // Anthropic's SDKs raise only on "event: error"; an unnamed error event would be skipped as an unknown event.
        await using var fixture = await GatewayFixture.StartAsync((up, _) => GatewayFixture.Listeners() + $$"""
            routes:
              - name: claude
                provider: anthropic
                path_prefix: /anthropic
                upstream: {{up}}
                api_key: sk-ant-gateway
                detection:
                  response:
                    CREDIT_CARD: { action: block }
            """);
        fixture.Upstream.Script = (_, _) => new ScriptedResponse
        {
            RawEvents =
            [
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
                $"event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"Card {Card} ok\"}}}}\n\n",
                "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
            ],
        };
        using var client = new HttpClient { BaseAddress = fixture.ProxyAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/anthropic/v1/messages")
        {
            Content = new StringContent("""{"model":"claude","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"a card?"}]}""", Encoding.UTF8, "application/json"),
        };

        var body = (await ReadUntilAbortedAsync(client, request)).ToString().Replace("\r\n", "\n", StringComparison.Ordinal);

        body.ShouldContain("event: error\ndata: {\"type\":\"error\",\"error\":{");
        body.ShouldContain("sensitive_data_in_response");
        body.ShouldNotContain("0343");
        body.ShouldNotContain("message_stop");
    }

    [Theory]
    [InlineData("{\"choices\":[{\"message\":{\"content\":\"sk-proj-Xq7R\\u0074Y2mN9vB4kL8pW3zH6jF1dS5aG0eQc2UiOyTr\"}}],\"score\":NaN}", "response_not_inspectable")]
    [InlineData("{\"choices\":[{\"message\":{\"content\":\"The key is sk-proj-Xq7RtY2mN9vB4kL8pW3zH6jF1dS5aG0eQc2UiOyTr ok\"}}]}", null)]
    public async Task AJsonAnswer_ThatTheGatewayCannotRead_IsNotReleased_AndOneItCanIsRedacted(string answer, string? code)
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, """
                  response:
                    OPENAI_API_KEY: { action: redact, operator: placeholder }
            """));
        fixture.Upstream.Script = (_, _) => new ScriptedResponse(200, answer);
        using var client = new HttpClient { BaseAddress = fixture.ProxyAddress };

        using var response = await client.PostAsync("/openai/v1/chat/completions",
            new StringContent("""{"model":"m","messages":[{"role":"user","content":"the key?"}]}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        body.ShouldNotContain("kL8pW3zH6jF1dS5aG0eQc2UiOyTr"); // neither raw nor behind an escape a lenient client decodes
        if (code is null)
        {
            response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
            body.ShouldContain("<OPENAI_API_KEY_1>");
        }
        else
        {
            response.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadGateway);
            body.ShouldContain(code);
        }
    }

    [Fact]
    public async Task AJsonAnswerLargerThanTheGatewayInspects_IsRefused_NotReleasedUnread()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, string.Empty));
        // Sent without a length (chunked): the limit must hold on what arrives, not on what is declared.
        var padding = new string('a', (int)Bulwark.Gateway.Scanning.ResponseRelay.MaxInspectedBodyBytes);
        fixture.Upstream.Script = (_, _) => new ScriptedResponse(200, "{\"choices\":[{\"message\":{\"content\":\"" + padding + "\"}}]}");
        using var client = new HttpClient { BaseAddress = fixture.ProxyAddress };

        using var response = await client.PostAsync("/openai/v1/chat/completions",
            new StringContent("""{"model":"m","messages":[{"role":"user","content":"a long answer, please"}]}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadGateway);
        body.ShouldContain("response_not_inspectable");
        body.Length.ShouldBeLessThan(1024);
    }

    [Fact]
    public async Task PersonalDataInAStreamedAnswer_OnlyLoggedByDefault_LeavesTheDecisionAllowed()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, string.Empty));
        fixture.Upstream.Script = (_, _) => new ScriptedResponse
        {
            StreamDeltas = ["Write to ", "support@example.com", " and they will answer."],
        };

        var text = await StreamedTextAsync(fixture, "who do I write to");

        text.ShouldBe("Write to support@example.com and they will answer."); // counted, not changed
        (await fixture.Logs.WaitForAsync(l => l.Contains("[10]", StringComparison.Ordinal))).ShouldBeTrue();
        var line = fixture.Logs.Lines.Single(l => l.Contains("[10]", StringComparison.Ordinal));
        line.ShouldContain("decision=allowed");
        line.ShouldContain("EMAIL_ADDRESS:1");
    }

    [Fact]
    public async Task ResponseBlockRule_EndsTheStreamWithAnErrorTheSdkSurfaces()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, """
                  response:
                    CREDIT_CARD: { action: block }
            """));
        fixture.Upstream.Script = (_, _) => new ScriptedResponse
        {
            // The first sentence is longer than the 64-character holdback, so it is released before the card arrives.
            StreamDeltas = ["Here is a sentence long enough to leave the streaming holdback window entirely. ", "And a card: ", "4539 1488 ", "0343 6467", " enjoy"],
        };

        var received = new StringBuilder();
        var error = await Should.ThrowAsync<Exception>(async () =>
        {
            await foreach (var update in KeyInjectionTests.ChatClientFor(fixture).CompleteChatStreamingAsync([new UserChatMessage("give me a card")]))
            {
                foreach (var part in update.ContentUpdate)
                {
                    received.Append(part.Text);
                }
            }
        });

        received.ToString().ShouldNotContain("0343");
        received.ToString().ShouldStartWith("Here is a sentence"); // what came well before the card was delivered
        error.ShouldNotBeOfType<ShouldAssertException>();
    }

    [Fact]
    public async Task ResponseBlockRule_WhenTheStreamEndsHoldingTheEntity_FailsTheStreamForTheSdk()
    {
        // Short enough to stay held back, and no finish or [DONE]: the card is found only when the upstream closes.
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, """
                  response:
                    CREDIT_CARD: { action: block }
            """));
        fixture.Upstream.Script = (_, _) => new ScriptedResponse { RawEvents = [FakeUpstream.ChunkEvent($"Card {Card}", first: true)] };

        var error = await Should.ThrowAsync<Exception>(() => StreamedTextAsync(fixture, "give me a card"));

        error.ShouldNotBeOfType<ShouldAssertException>();
        (await fixture.Logs.WaitForAsync(l => l.Contains("[10]", StringComparison.Ordinal))).ShouldBeTrue();
        fixture.Logs.All.ShouldContain("decision=blocked");
    }

    [Fact]
    public async Task ResponseBlockRule_OnAJsonAnswer_Returns403NamingTheEntity()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, """
                  response:
                    CREDIT_CARD: { action: block }
            """));
        fixture.Upstream.Script = (_, _) => new ScriptedResponse(200, FakeUpstream.ChatCompletionJson($"Your card is {Card}"));
        using var client = fixture.CreateClient();

        using var response = await client.PostAsync("/openai/v1/chat/completions", new StringContent("""{"model":"m","messages":[{"role":"user","content":"my card?"}]}"""));
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        body.ShouldContain("sensitive_data_in_response");
        body.ShouldContain("CREDIT_CARD");
        body.ShouldNotContain("4539");
    }

    [Fact]
    public async Task CustomKeywordEntity_FromConfig_IsBlocked()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, """
                  request:
                    PROJECT_CODENAME: { action: block }
                  custom_entities:
                    - entity: PROJECT_CODENAME
                      keywords: [Bluebird, 青鸟计划]
                    - entity: EMPLOYEE_ID
                      pattern: "\\bE\\d{6}\\b"
                      context: [employee, 工号]
            """));

        var blocked = await Should.ThrowAsync<ClientResultException>(() =>
            KeyInjectionTests.ChatClientFor(fixture).CompleteChatAsync([new UserChatMessage("请总结青鸟计划的进展")]));

        blocked.Message.ShouldContain("PROJECT_CODENAME");
        fixture.Upstream.Requests.ShouldBeEmpty();
        (await fixture.Logs.WaitForAsync(l => l.Contains("PROJECT_CODENAME:1", StringComparison.Ordinal))).ShouldBeTrue();
    }
}
