using System.Runtime.InteropServices;

namespace Bulwark.Detection.Policy;

/// <summary>
/// Turns the findings of one text into a <see cref="PolicyVerdict"/> under a <see cref="DetectionPolicy"/>.
/// Thread-safe; allocates nothing when there are no findings (or none reaches its threshold).
/// </summary>
/// <remarks>
/// Precedence: findings scoring below their rule's threshold are ignored; any remaining <see cref="PolicyAction.Block"/>
/// finding blocks the text; otherwise any <see cref="PolicyAction.Redact"/> finding makes it a redaction; otherwise
/// the text is allowed (with <see cref="PolicyAction.Log"/> findings counted).
/// </remarks>
public sealed class PolicyEvaluator
{
    /// <summary>Creates an evaluator for one route's policy.</summary>
    public PolicyEvaluator(DetectionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy;
    }

    /// <summary>The policy this evaluator applies.</summary>
    public DetectionPolicy Policy { get; }

    /// <inheritdoc cref="Evaluate(ReadOnlySpan{Finding}, Direction)"/>
    public PolicyVerdict Evaluate(List<Finding> findings, Direction direction)
    {
        ArgumentNullException.ThrowIfNull(findings);
        return Evaluate(CollectionsMarshal.AsSpan(findings), direction);
    }

    /// <summary>
    /// Decides what to do with a text given its findings (overlap-resolved by the detection engine; if two redactions
    /// still overlap, the one that starts first, or the longer at the same start, wins). The input is not modified.
    /// </summary>
    public PolicyVerdict Evaluate(ReadOnlySpan<Finding> findings, Direction direction)
    {
        if (findings.IsEmpty)
        {
            return default;
        }

        List<FindingRedaction>? redactions = null;
        List<string>? blocked = null;
        List<EntityCount>? counts = null;

        foreach (var finding in findings)
        {
            var rule = Policy.Resolve(finding.Entity, direction);
            if (finding.Score < rule.Threshold)
            {
                continue;
            }

            counts ??= [];
            Increment(counts, finding.Entity);
            switch (rule.Action)
            {
                case PolicyAction.Block:
                    blocked ??= [];
                    if (!blocked.Contains(finding.Entity))
                    {
                        blocked.Add(finding.Entity);
                    }

                    break;
                case PolicyAction.Redact:
                    (redactions ??= []).Add(new FindingRedaction(finding, rule.Operator));
                    break;
                default:
                    break;
            }
        }

        if (counts is null)
        {
            return default;
        }

        if (blocked is not null)
        {
            return new PolicyVerdict(VerdictKind.Block, null, [.. blocked], [.. counts]);
        }

        if (redactions is not null)
        {
            return new PolicyVerdict(VerdictKind.Redact, SortAndDropOverlaps(redactions), null, [.. counts]);
        }

        return new PolicyVerdict(VerdictKind.Allow, null, null, [.. counts]);
    }

    private static void Increment(List<EntityCount> counts, string entity)
    {
        var span = CollectionsMarshal.AsSpan(counts);
        for (int i = 0; i < span.Length; i++)
        {
            if (string.Equals(span[i].Entity, entity, StringComparison.Ordinal))
            {
                span[i] = span[i] with { Count = span[i].Count + 1 };
                return;
            }
        }

        counts.Add(new EntityCount(entity, 1));
    }

    private static FindingRedaction[] SortAndDropOverlaps(List<FindingRedaction> redactions)
    {
        redactions.Sort(static (a, b) =>
        {
            int byStart = a.Finding.Start.CompareTo(b.Finding.Start);
            return byStart != 0 ? byStart : b.Finding.End.CompareTo(a.Finding.End);
        });

        int kept = 0;
        int end = int.MinValue;
        var span = CollectionsMarshal.AsSpan(redactions);
        for (int i = 0; i < span.Length; i++)
        {
            if (span[i].Finding.Start >= end)
            {
                end = span[i].Finding.End;
                span[kept++] = span[i];
            }
        }

        return span[..kept].ToArray();
    }
}
