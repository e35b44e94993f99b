using System.Globalization;
using Dtx.Campaign.Scoring.Refusals;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Units;

/// <summary>How a unit came out of its predecessors (two-tier local government, 1 July 2025).</summary>
public static class LineageKinds
{
    /// <summary>Several units (or parts of them) became this one.</summary>
    public const string Merge = "merge";
    /// <summary>This unit received a part (a share) of a predecessor that was divided.</summary>
    public const string Split = "split";
    /// <summary>The same unit under a new name or code: one predecessor, whole.</summary>
    public const string Rename = "rename";

    public static readonly string[] All = [Merge, Split, Rename];
}

/// <summary>
/// One predecessor of a unit from a date: the share is the part of the predecessor that went into the unit
/// (1 for a whole predecessor). The past is never rewritten: a predecessor keeps its own results.
/// </summary>
public sealed class UnitPredecessor
{
    public Guid Id { get; set; }
    public Guid UnitId { get; set; }
    public Guid PredecessorId { get; set; }
    public DateOnly EffectiveOn { get; set; }
    public required string Kind { get; set; }
    public decimal Share { get; set; } = 1;
}

internal sealed class UnitPredecessorConfiguration : IEntityTypeConfiguration<UnitPredecessor>
{
    public void Configure(EntityTypeBuilder<UnitPredecessor> builder)
    {
        builder.ToTable("unit_predecessors");
        builder.HasIndex(x => new { x.UnitId, x.PredecessorId }).IsUnique();
        builder.HasIndex(x => x.PredecessorId);
        builder.Property(x => x.Kind).HasMaxLength(10);
        builder.Property(x => x.Share).HasPrecision(9, 6);
        builder.HasOne<Unit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Unit>().WithMany().HasForeignKey(x => x.PredecessorId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>
/// The rules of unit lineage, without I/O: which links are acceptable, and how last year's results of the
/// predecessors are combined into the figure a merged or split unit is compared with (docs/lineage.md).
/// </summary>
public static class Lineage
{
    /// <summary>A link by unit code, as imported or stored.</summary>
    public sealed record Link(string Unit, string Predecessor, string Kind, decimal Share);

    /// <summary>Shares may be written with a few decimals (1/3 as 0.3333): this is how far off 1 a sum may be.</summary>
    public const decimal ShareTolerance = 0.001m;

    /// <summary>A unit that is part of a cycle (A came from B, B from A), or null.</summary>
    public static IReadOnlyList<string>? FindCycle(IEnumerable<Link> links)
    {
        var predecessors = links.GroupBy(l => l.Unit, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(l => l.Predecessor).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the path, 2 = done
        var path = new List<string>();

        List<string>? Visit(string unit)
        {
            if (state.TryGetValue(unit, out var s))
                return s == 1 ? [.. path.Skip(path.IndexOf(unit)), unit] : null;
            state[unit] = 1;
            path.Add(unit);
            foreach (var p in predecessors.GetValueOrDefault(unit) ?? [])
                if (Visit(p) is { } cycle)
                    return cycle;
            path.RemoveAt(path.Count - 1);
            state[unit] = 2;
            return null;
        }

        foreach (var unit in predecessors.Keys.Order(StringComparer.Ordinal))
            if (Visit(unit) is { } found)
                return found;
        return null;
    }

    /// <summary>
    /// Predecessors whose shares do not add up to 1 over all the units they went into, with the sum.
    /// A predecessor that went whole into one unit has a share of 1; a divided one is shared out in full.
    /// </summary>
    public static IReadOnlyList<(string Predecessor, decimal Sum, IReadOnlyList<Link> Links)> UnbalancedShares(IEnumerable<Link> links) =>
        links.GroupBy(l => l.Predecessor, StringComparer.Ordinal)
            .Select(g => (Predecessor: g.Key, Sum: g.Sum(l => l.Share), Links: (IReadOnlyList<Link>)g.OrderBy(l => l.Unit, StringComparer.Ordinal).ToList()))
            .Where(x => Math.Abs(x.Sum - 1) > ShareTolerance)
            .OrderBy(x => x.Predecessor, StringComparer.Ordinal).ToList();

    /// <summary>What a unit's links must say on their own, whatever other units say: null when acceptable; the reason names the column at fault.</summary>
    public static Reason? CheckUnit(IReadOnlyList<Link> links)
    {
        foreach (var link in links)
        {
            if (!LineageKinds.All.Contains(link.Kind))
                return Reason.For("lineage_kind", "lineage.unknown-kind", ("kind", link.Kind), ("kinds", LineageKinds.All));
            if (link.Share is <= 0 or > 1)
                return Reason.For("predecessors", "lineage.share-range", ("predecessor", link.Predecessor), ("share", ShareText(link.Share)));
            if (link.Predecessor == link.Unit)
                return Reason.For("predecessors", "lineage.own-predecessor");
        }
        if (links.Count > 0 && links[0].Kind == LineageKinds.Rename && (links.Count != 1 || links[0].Share != 1))
            return Reason.For("predecessors", "lineage.rename-one");
        return null;
    }

    /// <summary>A share as the file writes it (0.5, 0.3333), in either language: the reader compares it with the file.</summary>
    public static string ShareText(decimal share) => share.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>A predecessor's result last year and how much it weighs in the combination.</summary>
    public sealed record Source(string Code, string Name, decimal Percentage, IReadOnlyDictionary<string, decimal> Groups, decimal Share, long? Population);

    public const string Average = "average";
    public const string PopulationWeighted = "population-weighted";

    /// <summary>The combined figure and how it was made.</summary>
    public sealed record Combined(string Rule, decimal Percentage, IReadOnlyDictionary<string, decimal> Groups);

    /// <summary>
    /// Combines the predecessors' percentages: weighted by population × share when every predecessor has a
    /// population, otherwise by share alone (a plain average when every predecessor came whole). Groups are
    /// combined over the predecessors that have the group, with the same weights.
    /// </summary>
    public static Combined Combine(IReadOnlyList<Source> sources, Func<decimal, decimal> round)
    {
        if (sources.Count == 0)
            throw new ArgumentException("no predecessor to combine", nameof(sources));
        var byPopulation = sources.All(s => s.Population is > 0);
        decimal Weight(Source s) => byPopulation ? s.Share * s.Population!.Value : s.Share;
        decimal Mean(IEnumerable<(decimal Value, decimal Weight)> values)
        {
            var list = values.ToList();
            var total = list.Sum(v => v.Weight);
            return round(list.Sum(v => v.Value * v.Weight) / total);
        }
        var groups = sources.SelectMany(s => s.Groups.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .ToDictionary(code => code, code => Mean(sources.Where(s => s.Groups.ContainsKey(code)).Select(s => (s.Groups[code], Weight(s)))), StringComparer.Ordinal);
        return new Combined(byPopulation ? PopulationWeighted : Average, Mean(sources.Select(s => (s.Percentage, Weight(s)))), groups);
    }

    /// <summary>The marker shown wherever a combined figure is shown, in Vietnamese then English.</summary>
    public static (string Vi, string En) Marker(string rule, IEnumerable<string> predecessorNames)
    {
        var names = string.Join(", ", predecessorNames);
        return rule == PopulationWeighted
            ? ($"so sánh với bình quân gia quyền theo dân số của các đơn vị tiền thân: {names}", $"compared with the population-weighted average of the predecessor units: {names}")
            : ($"so sánh với bình quân của các đơn vị tiền thân: {names}", $"compared with the average of the predecessor units: {names}");
    }
}
