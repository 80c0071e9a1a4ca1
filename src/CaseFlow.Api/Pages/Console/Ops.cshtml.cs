using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Users;
using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CaseFlow.Api.Pages.Console;

/// <summary>Ops: each projection's state, lag, rate and rebuild progress, with rebuild, pause, resume and cancel (nothing personal here).</summary>
public sealed class OpsModel(PostgresEventStore store) : PageModel
{
    public IReadOnlyList<ProjectionInfo> Projections { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (principal.Role is not (Role.Ops or Role.Admin)) return Redirect("/console");
        Projections = await ProjectionStatus.ReadAsync(store, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostControlAsync(string name, string action, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { Role: Role.Ops or Role.Admin }) return Redirect("/console/signin");
        if (action is not ("rebuild" or "cancel-rebuild" or "pause" or "resume") || !await ProjectionTable.ControlAsync(store.DataSource, name, action, ct)) return NotFound();
        return Redirect("/console/ops");
    }
}
