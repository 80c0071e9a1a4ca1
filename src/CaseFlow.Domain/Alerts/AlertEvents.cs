using System.Security.Cryptography;
using System.Text;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Domain.Alerts;

/// <summary>
/// An alert's identity: deterministic from case, kind, due date and level, so a repeated sweep or a second node computes the same id
/// and raises nothing new.
/// </summary>
public static class AlertIds
{
    public static Guid For(CaseId caseId, string kind, LocalDate due, string level)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{caseId.Value:D}|{kind}|{new IsoDate(due)}|{level}"));
        var bytes = hash[..16];
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50); // version 5-style (name-based)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }
}
