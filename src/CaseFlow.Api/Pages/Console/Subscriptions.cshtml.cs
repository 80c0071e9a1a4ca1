using CaseFlow.Api.Console;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Subscriptions;
using CaseFlow.Api.Subscriptions.ChangingTarget;
using CaseFlow.Api.Subscriptions.DeletingSubscription;
using CaseFlow.Api.Subscriptions.RotatingSecret;
using CaseFlow.Api.Subscriptions.Subscribing;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Security;
using CaseFlow.Core.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace CaseFlow.Api.Pages.Console;

/// <summary>
/// Webhook and e-mail subscriptions of the caller's host parties with their deliveries: compliance users subscribe, pause, resume and
/// delete (each through the API's own path), auditors read. A new webhook's signing secret is shown once, right after it is made.
/// </summary>
public sealed class SubscriptionsModel(HostPartyStore parties, NpgsqlDataSource db, SecretBox secrets, WebhookTargets targets) : PageModel
{
    public IReadOnlyList<(HostParty Party, IReadOnlyList<Subscription> Subscriptions)> HostParties { get; private set; } = [];
    public Subscription? Selected { get; private set; }
    public IReadOnlyList<DeliveryView> Deliveries { get; private set; } = [];
    public bool CanChange { get; private set; }
    public string? Problem { get; private set; }
    public string? NewSecret { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? id, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (principal.Role is not (Role.Compliance or Role.Auditor)) return Redirect("/console/ops");
        await LoadAsync(principal, id, ct);
        return Page();
    }

    public Task<IActionResult> OnPostSubscribeAsync(Guid hostParty, string? channel, string? target, string? mode, CancellationToken ct) =>
        ChangeAsync(ct, () => SubscribeEndpoint.SubscribeAsync(HttpContext, hostParty, new SubscriptionRequest(channel ?? "", target ?? "", mode ?? ""), db, secrets, targets, ct));

    public Task<IActionResult> OnPostPauseAsync(Guid hostParty, Guid id, CancellationToken ct) =>
        ChangeAsync(ct, () => SubscriptionAccess.SetPausedAsync(HttpContext, db, hostParty, id, true, ct));

    public Task<IActionResult> OnPostResumeAsync(Guid hostParty, Guid id, CancellationToken ct) =>
        ChangeAsync(ct, () => SubscriptionAccess.SetPausedAsync(HttpContext, db, hostParty, id, false, ct));

    public Task<IActionResult> OnPostSecretAsync(Guid hostParty, Guid id, CancellationToken ct) =>
        ChangeAsync(ct, () => RotateSubscriptionSecretEndpoint.RotateAsync(HttpContext, db, secrets, hostParty, id,
            () => Task.FromResult<(SecretRequest?, IResult?)>((new SecretRequest(), null)), ct));

    public Task<IActionResult> OnPostTargetAsync(Guid hostParty, Guid id, string? target, CancellationToken ct) =>
        ChangeAsync(ct, () => ChangeSubscriptionTargetEndpoint.ChangeAsync(HttpContext, db, secrets, targets, hostParty, id,
            () => Task.FromResult<(TargetRequest?, IResult?)>((new TargetRequest(target ?? ""), null)), ct));

    public Task<IActionResult> OnPostDeleteAsync(Guid hostParty, Guid id, CancellationToken ct) =>
        ChangeAsync(ct, () => DeleteSubscriptionEndpoint.DeleteAsync(HttpContext, db, hostParty, id, ct));

    private async Task<IActionResult> ChangeAsync(CancellationToken ct, Func<Task<IResult>> change)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (principal.Role != Role.Compliance) return Forbid();
        var result = await change();
        if (ConsoleProblems.Of(result) is { } problem)
        {
            Problem = problem;
            Response.StatusCode = result is IStatusCodeHttpResult { StatusCode: { } status } ? status : 400;
        }
        else if (WithNewSecret(result) is { } shown)
        {
            NewSecret = shown.Secret;
            await LoadAsync(principal, shown.Id, ct);
            return Page();
        }
        else return Redirect("/console/subscriptions");
        await LoadAsync(principal, null, ct);
        return Page();
    }

    /// <summary>A subscription just made, or a webhook with a secret just made: its secret is shown this once.</summary>
    private static SubscriptionView? WithNewSecret(IResult result) => result switch
    {
        Created<SubscriptionView> { Value: { } created } => created,
        Ok<SubscriptionView> { Value: { Secret: not null } rotated } => rotated,
        _ => null,
    };

    private async Task LoadAsync(Principal principal, Guid? id, CancellationToken ct)
    {
        CanChange = principal.Role == Role.Compliance;
        var list = new List<(HostParty, IReadOnlyList<Subscription>)>();
        foreach (var party in await parties.ListAsync([.. principal.HostParties], ct))
            list.Add((party, await Outbox.SubscriptionsAsync(db, party.Id, null, ct)));
        HostParties = list;
        Selected = id is { } chosen ? list.SelectMany(p => p.Item2).FirstOrDefault(s => s.Id == chosen) : null;
        if (Selected is not null) Deliveries = await Outbox.ListAsync(db, null, ct, subscription: Selected.Id, limit: 200);
    }
}
