using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Ops.ControllingProjection;
using CaseFlow.Api.Ops.ListingJobs;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.Security;
using CaseFlow.Core.Users;
using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace CaseFlow.Api.Pages.Console;

/// <summary>
/// Ops: each projection's state, lag, rate and rebuild progress (rebuild, pause, resume, cancel); the jobs' last and next fire, outcome,
/// node and misfires (trigger now); failed and dead deliveries (redeliver); the cases the sweep skips; the whole store verified against
/// the latest seal on request. Nothing personal here.
/// </summary>
public sealed class OpsModel(PostgresEventStore store, NpgsqlDataSource db, Seals seals) : PageModel
{
    /// <summary>The whole store verified on request: every chain, and the store against the latest seal.</summary>
    public (long Streams, IReadOnlyList<VerificationResult> Broken, SealCheck? Seal)? Verified { get; private set; }

    public IReadOnlyList<ProjectionInfo> Projections { get; private set; } = [];
    public IReadOnlyList<JobView> Jobs { get; private set; } = [];
    public IReadOnlyList<DeliveryView> Deliveries { get; private set; } = [];
    public IReadOnlyList<SweepFailure> SweepFailures { get; private set; } = [];
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool verify, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (principal.Role is not (Role.Ops or Role.Admin)) return Redirect("/console");
        if (verify)
        {
            var (streams, broken) = await store.VerifyAllAsync(ct: ct);
            Verified = (streams, broken, await seals.CheckAsync(ct));
        }
        Projections = await ProjectionStatus.ReadAsync(store, ct);
        Jobs = await ListJobsEndpoint.ReadAsync(HttpContext.RequestServices, db, ct);
        Deliveries = [.. (await Outbox.ListAsync(db, "failed", ct, limit: 50)).Concat(await Outbox.ListAsync(db, "dead", ct, limit: 50))];
        SweepFailures = await AlertSweeper.FailuresAsync(db, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostTriggerAsync(string? job, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { Role: Role.Ops or Role.Admin }) return Redirect("/console/signin");
        return await ListJobsEndpoint.TriggerAsync(HttpContext.RequestServices, job, ct) ? Redirect("/console/ops#jobs") : NotFound();
    }

    public async Task<IActionResult> OnPostRedeliverAsync(Guid delivery, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { Role: Role.Ops or Role.Admin }) return Redirect("/console/signin");
        return await Outbox.RedeliverAsync(db, delivery, ct) is null ? NotFound() : Redirect("/console/ops#deliveries");
    }

    public async Task<IActionResult> OnPostControlAsync(string? name, string? action, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { Role: Role.Ops or Role.Admin }) return Redirect("/console/signin");
        // An empty field binds as null: no projection has no name.
        if (name is null || !ControlProjectionEndpoint.Actions.Contains(action) || !await ProjectionTable.ControlAsync(store.DataSource, name, action!, ct)) return NotFound();
        return Redirect("/console/ops");
    }
}
