using System.Security.Cryptography;
using System.Text;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Domain.Alerts;

/// <summary>
/// An alert's identity: deterministic from case, kind, due date and level, so a repeated sweep or a second node computes the same id
/// and raises nothing new. Ids keep their case's order (ADR 28): a sweep that takes its cases in id order writes its new alerts'
/// index entries side by side instead of one random page each.
/// </summary>
public static class AlertIds
{
    public static Guid For(CaseId caseId, string kind, LocalDate due, string level) => InCaseOrder(caseId, $"{caseId.Value:D}|{kind}|{new IsoDate(due)}|{level}");

    /// <summary>
    /// A name-based id that sorts with its case: the case id's first 64 bits (its version nibble set to 8, RFC 9562's custom version),
    /// then bits 64-127 of the SHA-256 of <paramref name="name"/> (RFC 4122 variant), in PostgreSQL's (big-endian) byte order.
    /// </summary>
    public static Guid InCaseOrder(CaseId caseId, string name)
    {
        Span<byte> bytes = stackalloc byte[16];
        caseId.Value.TryWriteBytes(bytes, bigEndian: true, out _);
        SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(8, 8).CopyTo(bytes[8..]);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>The first and the last id <see cref="InCaseOrder"/> can give a case: every one of them sorts between the two.</summary>
    public static (Guid First, Guid Last) RangeOf(CaseId caseId)
    {
        Span<byte> bytes = stackalloc byte[16];
        caseId.Value.TryWriteBytes(bytes, bigEndian: true, out _);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8..].Clear();
        var first = new Guid(bytes, bigEndian: true);
        bytes[8..].Fill(0xFF);
        return (first, new Guid(bytes, bigEndian: true));
    }
}
