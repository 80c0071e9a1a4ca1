using CaseFlow.Domain.Rules;

namespace CaseFlow.Domain.Cases;

public enum RejectionKind
{
    /// <summary>The input itself is wrong (HTTP 400).</summary>
    Validation,

    /// <summary>The input is well formed but breaks a rule given the case's history (HTTP 409).</summary>
    Rule,
}

/// <summary>Why a command was refused: a stable code (e.g. <c>stay.exit-before-entry</c>), the field at fault and the values that broke the rule.</summary>
public sealed record CaseRejection(RejectionKind Kind, string Code, string Field, string Message);

/// <summary>Either the events a command decides or the reason it is refused. A refusal decides no events.</summary>
public sealed record Decision(IReadOnlyList<CaseEvent> Events, CaseRejection? Rejection)
{
    public static Decision Accept(params CaseEvent[] events) => new(events, null);
    public static Decision Reject(RejectionKind kind, string code, string field, string message) => new([], new CaseRejection(kind, code, field, message));
}

/// <summary>The case decider: pure, no clock (the command carries today), no I/O.</summary>
public static class CaseDecider
{
    public static Decision Decide(CaseCommand command, CaseState state, RuleCatalogue catalogue)
    {
        if (command is not OpenCase && !state.Opened)
            return Decision.Reject(RejectionKind.Rule, "case.not-opened", "caseId", $"case {command.CaseId} has not been opened");
        if (state.Erased && command is not (AcknowledgeAlert or ResolveAlert))
            return Decision.Reject(RejectionKind.Rule, "case.erased", "caseId", $"the personal data of case {command.CaseId} was erased: nothing more can be recorded");
        if (state.Closed && command is not (AcknowledgeAlert or ResolveAlert))
            return Decision.Reject(RejectionKind.Rule, "case.closed", "caseId", $"case {command.CaseId} is closed");
        return command switch
        {
            OpenCase c => Open(c, state, catalogue),
            RecordEntry c => Enter(c, state),
            RecordNotification c => Notify(c, state),
            RecordExit c => Exit(c, state),
            RecordAddressChange c => ChangeAddress(c, state),
            IssueVisa c => VisaRules.Issue(c, state, catalogue),
            ExtendVisa c => VisaRules.Extend(c, state, catalogue),
            ChangeCategory c => VisaRules.ChangeCategory(c, state, catalogue),
            CancelVisa c => VisaRules.Cancel(c, state, catalogue),
            IssueResidencePermit c => Permit(c, state, catalogue),
            ReplacePassport c => Passport(c, state),
            CloseCase c => Close(c, state),
            RaiseAlert c => state.AlertsById.ContainsKey(c.AlertId) ? Decision.Accept()
                : Decision.Accept(new AlertRaised(c.CaseId, c.AlertId, c.Kind, c.Level, c.Due, c.Today, c.Message, c.Rule, c.FineArticle, c.FineMci, c.FineTenge, c.FineRule, c.Actor)),
            AcknowledgeAlert c => state.AlertsById.TryGetValue(c.AlertId, out var a)
                ? a.Status == AlertStatus.Raised ? Decision.Accept(new AlertAcknowledged(c.CaseId, c.AlertId, c.Today, c.Actor))
                  : a.Status == AlertStatus.Acknowledged ? Decision.Accept() // already acknowledged: nothing to record
                  : Decision.Reject(RejectionKind.Rule, "alert.resolved", "alertId", $"alert {c.AlertId} is already resolved")
                : Decision.Reject(RejectionKind.Rule, "alert.not-found", "alertId", $"case {c.CaseId} has no alert {c.AlertId}"),
            ResolveAlert c => state.AlertsById.TryGetValue(c.AlertId, out var r)
                ? r.Status == AlertStatus.Resolved ? Decision.Accept()
                  : string.IsNullOrWhiteSpace(c.Reason) ? Decision.Reject(RejectionKind.Validation, "validation", "reason", "required")
                  : Decision.Accept(new AlertResolved(c.CaseId, c.AlertId, c.Today, c.Reason.Trim(), c.Automatic, c.Actor))
                : Decision.Reject(RejectionKind.Rule, "alert.not-found", "alertId", $"case {c.CaseId} has no alert {c.AlertId}"),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "unknown case command"),
        };
    }

    private static Decision Open(OpenCase c, CaseState state, RuleCatalogue catalogue)
    {
        if (state.Opened) return Decision.Reject(RejectionKind.Rule, "case.already-opened", "caseId", $"case {c.CaseId} is already open");
        var p = c.Person;
        if (p.Nationality == "KZ")
            return Decision.Reject(RejectionKind.Validation, "person.citizen-of-kazakhstan", "person.nationality", "KZ: citizens of Kazakhstan are not foreigners");
        if (!catalogue.Countries.Contains(p.Nationality))
            return Decision.Reject(RejectionKind.Validation, "person.unknown-nationality", "person.nationality", $"'{p.Nationality}' is not an ISO 3166-1 alpha-2 country code");
        if (p.BirthDate > c.Today)
            return Decision.Reject(RejectionKind.Validation, "date.in-future", "person.birthDate", $"{p.BirthDate:yyyy-MM-dd} is after today ({c.Today:yyyy-MM-dd})");
        return Decision.Accept(new CaseOpened(c.CaseId, p, c.HostPartyId, c.Actor));
    }

    private static Decision Enter(RecordEntry c, CaseState state)
    {
        if (c.Date > c.Today) return Future("date", c.Date, c);
        if (string.IsNullOrWhiteSpace(c.BorderPoint)) return Decision.Reject(RejectionKind.Validation, "validation", "borderPoint", "required");
        if (state.InCountry)
            return Decision.Reject(RejectionKind.Rule, "stay.entry-while-in-country", "date", $"entry on {c.Date:yyyy-MM-dd}: the person is already in the country since {state.LastEntry:yyyy-MM-dd}");
        if (state.LastExit is { } exit && c.Date < exit)
            return Decision.Reject(RejectionKind.Rule, "stay.entry-before-last-exit", "date", $"entry on {c.Date:yyyy-MM-dd} is before the last exit on {exit:yyyy-MM-dd}");
        return Decision.Accept(new Entered(c.CaseId, c.Date, c.BorderPoint, c.Actor));
    }

    private static Decision Notify(RecordNotification c, CaseState state)
    {
        if (c.Date > c.Today) return Future("date", c.Date, c);
        if (state.LastEntry is not { } entry)
            return Decision.Reject(RejectionKind.Rule, "notification.before-entry", "date", $"notification on {c.Date:yyyy-MM-dd}: no entry has been recorded");
        if (c.Date < entry)
            return Decision.Reject(RejectionKind.Rule, "notification.before-entry", "date", $"notification on {c.Date:yyyy-MM-dd} is before the entry on {entry:yyyy-MM-dd}");
        if (!state.InCountry && state.LastExit is { } exit && c.Date > exit)
            return Decision.Reject(RejectionKind.Rule, "notification.after-exit", "date", $"notification on {c.Date:yyyy-MM-dd} is after the exit on {exit:yyyy-MM-dd}");
        return Decision.Accept(new Notified(c.CaseId, c.Date, c.Channel, c.Reference, c.Actor));
    }

    private static Decision Exit(RecordExit c, CaseState state)
    {
        if (c.Date > c.Today) return Future("date", c.Date, c);
        if (!state.InCountry)
            return Decision.Reject(RejectionKind.Rule, "stay.exit-while-not-in-country", "date", $"exit on {c.Date:yyyy-MM-dd}: the person is not in the country");
        if (c.Date < state.LastEntry!.Value)
            return Decision.Reject(RejectionKind.Rule, "stay.exit-before-entry", "date", $"exit on {c.Date:yyyy-MM-dd} is before the entry on {state.LastEntry:yyyy-MM-dd}");
        return Decision.Accept(new Exited(c.CaseId, c.Date, c.Actor));
    }

    private static Decision ChangeAddress(RecordAddressChange c, CaseState state)
    {
        if (c.Date > c.Today) return Future("date", c.Date, c);
        if (string.IsNullOrWhiteSpace(c.Address)) return Decision.Reject(RejectionKind.Validation, "validation", "address", "required");
        if (!state.InCountry || c.Date < state.LastEntry)
            return Decision.Reject(RejectionKind.Rule, "stay.not-in-country", "date", $"address change on {c.Date:yyyy-MM-dd}: the person is not in the country then");
        return Decision.Accept(new AddressChanged(c.CaseId, c.Date, c.Address.Trim(), c.Actor));
    }

    /// <summary>TRP: CIS citizens except GE, MD, UA (000 §5 footnote), processed once the arrival notification is filed (TRP-HOST), for up to a year (TRP-TERM).</summary>
    private static Decision Permit(IssueResidencePermit c, CaseState state, RuleCatalogue catalogue)
    {
        if (c.Date > c.Today) return Future("date", c.Date, c);
        if (c.ValidTo < c.ValidFrom) return Decision.Reject(RejectionKind.Validation, "validation", "validTo", $"{c.ValidTo:yyyy-MM-dd} is before validFrom {c.ValidFrom:yyyy-MM-dd}");
        if (c.ValidTo >= c.ValidFrom.PlusYears(1))
            return Decision.Reject(RejectionKind.Rule, "permit.term-over-one-year", "validTo", $"a TRP is issued for up to 1 year (TRP-TERM, 000 §5): {c.ValidFrom:yyyy-MM-dd} to {c.ValidTo:yyyy-MM-dd} is longer");
        var regime = catalogue.RegimeFor(state.Person!.Nationality, c.Date);
        if (regime?.ResidencePermitAfterDays is null)
            return Decision.Reject(RejectionKind.Rule, "permit.not-eligible", "person.nationality",
                $"a TRP is issued to citizens of CIS countries except Georgia, Moldova and Ukraine (000 §5); {state.Person.Nationality} needs a visa");
        if (!state.InCountry)
            return Decision.Reject(RejectionKind.Rule, "stay.not-in-country", "date", $"TRP on {c.Date:yyyy-MM-dd}: the person is not in the country");
        if (state.LastNotified is not { } notified || notified < state.LastEntry)
            return Decision.Reject(RejectionKind.Rule, "permit.notification-required", "date",
                $"a TRP is processed once the arrival notification is filed (TRP-HOST, 000 §5); none is recorded since the entry on {state.LastEntry:yyyy-MM-dd}");
        return Decision.Accept(new ResidencePermitIssued(c.CaseId, c.Date, c.ValidFrom, c.ValidTo, c.Actor));
    }

    /// <summary>A new passport invalidates an e-Visa (EVISA-PASSPORT, 000 §4.4) and requires an IIN record update for TRP holders (TRP-PASSPORT, 000 §5).</summary>
    private static Decision Passport(ReplacePassport c, CaseState state)
    {
        if (c.Date > c.Today) return Future("date", c.Date, c);
        if (string.IsNullOrWhiteSpace(c.PassportNumber)) return Decision.Reject(RejectionKind.Validation, "validation", "passportNumber", "required");
        var eVisa = state.Visa is { EVisa: true } v && v.ValidOn(c.Date);
        return Decision.Accept(new PassportReplaced(c.CaseId, c.Date, c.PassportNumber.Trim().ToUpperInvariant(), c.PassportExpiry, eVisa, state.Permit is not null, c.Actor));
    }

    private static Decision Close(CloseCase c, CaseState state)
    {
        if (c.Date > c.Today) return Future("date", c.Date, c);
        if (state.InCountry)
            return Decision.Reject(RejectionKind.Rule, "case.close-while-in-country", "date", $"the person is in the country since {state.LastEntry:yyyy-MM-dd}: record the exit first");
        return Decision.Accept(new CaseClosed(c.CaseId, c.Date, string.IsNullOrWhiteSpace(c.Reason) ? "closed" : c.Reason.Trim(), c.Actor));
    }

    internal static Decision Future(string field, NodaTime.LocalDate date, CaseCommand c) =>
        Decision.Reject(RejectionKind.Validation, "date.in-future", field, $"{date:yyyy-MM-dd} is after today ({c.Today:yyyy-MM-dd}, Asia/Almaty)");
}
