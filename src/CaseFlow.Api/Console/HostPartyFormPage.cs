using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CaseFlow.Api.Console;

/// <summary>
/// A compliance user's form for one of their host parties (opening a case, an import): anyone else is sent elsewhere; the host parties
/// are the user's own, by name; a refusal's reason is shown with the form.
/// </summary>
public abstract class HostPartyFormPage(HostPartyStore parties) : PageModel
{
    public IReadOnlyList<HostParty> HostParties { get; private set; } = [];
    public string? Problem { get; protected set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (principal.Role != Role.Compliance) return Redirect("/console/cases");
        await LoadHostPartiesAsync(principal, ct);
        return Page();
    }

    protected async Task LoadHostPartiesAsync(Principal principal, CancellationToken ct) => HostParties = await parties.ListAsync([.. principal.HostParties], ct);
}
