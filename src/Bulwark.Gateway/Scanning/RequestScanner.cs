using Bulwark.Detection;
using Bulwark.Detection.Policy;
using Bulwark.Detection.Redaction;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Inspection;
using Bulwark.Gateway.Pipeline;

namespace Bulwark.Gateway.Scanning;

/// <summary>What the detectors decided about a request's texts.</summary>
internal sealed class RequestScanOutcome
{
    public List<string>? BlockedEntities { get; set; }

    /// <summary>Texts to replace in the body, by JSON pointer.</summary>
    public List<(string Path, string Text)>? Replacements { get; set; }

    public bool IsBlocked => BlockedEntities is { Count: > 0 };
}

/// <summary>
/// Step 4b of the pipeline: runs the route's detectors over every text the request carries (all roles: a secret in a
/// system prompt or a tool result leaves the company just the same), applies the route's policy and prepares the
/// redactions. Counts go on the request feature; values never leave this method except as redacted text.
/// </summary>
internal static class RequestScanner
{
    public static RequestScanOutcome Scan(RouteDetection detection, List<InspectedText> texts, GatewayRequestFeature feature)
    {
        var outcome = new RequestScanOutcome();
        var findings = new List<Finding>();
        foreach (var text in texts)
        {
            findings.Clear();
            if (SystemPromptCache.Applies(text.Role))
            {
                detection.SystemPrompts.Scan(detection.Engine, text.Text, findings);
            }
            else
            {
                detection.Engine.Scan(text.Text, findings);
            }

            if (findings.Count == 0)
            {
                continue;
            }

            var verdict = detection.Evaluator.Evaluate(findings, Direction.Request);
            feature.CountEntities(verdict.Counts);
            switch (verdict.Kind)
            {
                case VerdictKind.Block:
                    outcome.BlockedEntities ??= [];
                    foreach (var entity in verdict.BlockedEntities)
                    {
                        if (!outcome.BlockedEntities.Contains(entity))
                        {
                            outcome.BlockedEntities.Add(entity);
                        }
                    }

                    break;
                case VerdictKind.Redact when !outcome.IsBlocked:
                    feature.Pseudonyms ??= new PseudonymMap();
                    outcome.Replacements ??= [];
                    outcome.Replacements.Add((text.Path, detection.Redactor.Redact(text.Text, verdict.Redactions, feature.Pseudonyms)));
                    break;
            }
        }

        return outcome;
    }
}
