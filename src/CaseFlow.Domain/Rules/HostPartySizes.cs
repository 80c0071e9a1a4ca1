using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>One recorded size of a host party: in force from <see cref="From"/> (inclusive), recorded at <see cref="RecordedAt"/>.</summary>
public sealed record SizeRecord(LocalDate From, HostPartySize Size, Instant RecordedAt);

/// <summary>
/// A host party's enterprise size over time. Art. 518's tiers go by the host's category of business entity (000 offences section);
/// CaseFlow takes the category on the offence's date (docs/rules.md, ADR 23): an offence before a change keeps the tier it had, one
/// from the change's date on takes the new one. <see cref="Records"/> are ordered by
/// <see cref="SizeRecord.From"/> and then by recording, never empty; the first holds also before its own date (the earliest knowledge).
/// </summary>
public sealed class HostPartySizes
{
    public IReadOnlyList<SizeRecord> Records { get; }

    public HostPartySizes(IReadOnlyList<SizeRecord> records)
    {
        if (records.Count == 0) throw new ArgumentException("a host party has at least one recorded size", nameof(records));
        for (var i = 1; i < records.Count; i++)
            if (records[i].From < records[i - 1].From) throw new ArgumentException("sizes are ordered by the date they hold from", nameof(records));
        Records = records;
    }

    /// <summary>One size for all time (the rules endpoint's <c>hostParty.size</c>, and tests).</summary>
    public static implicit operator HostPartySizes(HostPartySize size) => new([new SizeRecord(CaseFactsReader.MinDate, size, Instant.MinValue)]);

    /// <summary>The size now: the one in force from the latest date, the last recorded of that date.</summary>
    public HostPartySize Current => Records[^1].Size;

    /// <summary>The size in force on <paramref name="date"/>: the last record holding from that day or earlier, else the first.</summary>
    public HostPartySize On(LocalDate date)
    {
        var size = Records[0].Size;
        foreach (var r in Records)
        {
            if (r.From > date) break;
            size = r.Size;
        }
        return size;
    }

    /// <summary>The sizes as known at <paramref name="knownAt"/>: the records made by then (the first one when none was).</summary>
    public HostPartySizes KnownAt(Instant knownAt)
    {
        var known = Records.Where(r => r.RecordedAt <= knownAt).ToList();
        return known.Count == Records.Count ? this : new HostPartySizes(known.Count == 0 ? [Records[0]] : known);
    }

    /// <summary>A stable text of what the sizes decide (each size and the date it holds from): part of a sealed view's basis.</summary>
    public override string ToString() => string.Join(",", Records.Select((r, i) => i == 0 ? r.Size.ToString() : $"{r.From:yyyy-MM-dd}:{r.Size}"));
}
