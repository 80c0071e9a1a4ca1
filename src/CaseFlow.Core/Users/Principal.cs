namespace CaseFlow.Core.Users;

/// <summary>
/// compliance: read and write the cases of their host parties; auditor: read-only, history and time travel, for the host parties
/// granted; ops: projections, jobs, deliveries, no personal data; admin: users and host parties.
/// </summary>
public enum Role { Compliance, Auditor, Ops, Admin }

/// <summary>The authenticated user of a request (from its API key).</summary>
public sealed record Principal(Guid UserId, string Name, Role Role, IReadOnlySet<Guid> HostParties)
{
    /// <summary>The actor recorded in event metadata.</summary>
    public string Actor => $"user:{UserId}";

    /// <summary>Whether this user may see a case of <paramref name="hostPartyId"/>. A case it may not see is answered 404 (no existence leak).</summary>
    public bool CanRead(Guid hostPartyId) => Role is Role.Compliance or Role.Auditor && HostParties.Contains(hostPartyId);

    public bool CanWrite(Guid hostPartyId) => Role == Role.Compliance && HostParties.Contains(hostPartyId);

    /// <summary>Whether this user may see the host party itself (its name, BIN and sizes, no personal data): an admin any, others their own.</summary>
    public bool CanSeeHostParty(Guid hostPartyId) => Role == Role.Admin || HostParties.Contains(hostPartyId);
}
