using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Domain.Cases;

/// <summary>The visa commands of the case decider: issue, extend (EXT-WINDOW, EXT-SAME-HOST), change category (CHG matrix), cancel (exit visa).</summary>
internal static class VisaRules
{
    public static Decision Issue(IssueVisa c, CaseState state, RuleCatalogue catalogue)
    {
        if (c.Date > c.Today) return CaseDecider.Future("date", c.Date, c);
        if (catalogue.VisaCategory(c.Category) is not { } category)
            return Decision.Reject(RejectionKind.Validation, "visa.unknown-category", "category", $"'{c.Category}' is not a visa category of the catalogue");
        if (c.ValidTo < c.ValidFrom) return Decision.Reject(RejectionKind.Validation, "validation", "validTo", $"{c.ValidTo:yyyy-MM-dd} is before validFrom {c.ValidFrom:yyyy-MM-dd}");
        if (CaseFactsReader.StayPerEntryProblem(c.StayPerEntryDays) is { } stayProblem) return Decision.Reject(RejectionKind.Validation, "validation", "stayPerEntryDays", stayProblem);
        if (c.EVisa && (!catalogue.Visas.EVisa.Categories.Contains(c.Category) || c.Entries != VisaEntries.Single))
            return Decision.Reject(RejectionKind.Rule, "visa.not-an-evisa-category", "category",
                $"e-Visas are single-entry {string.Join(", ", catalogue.Visas.EVisa.Categories)} ({catalogue.Visas.EVisa.Citation})");
        var terms = c.Entries == VisaEntries.Single ? category.Single : category.Multiple;
        var days = Period.DaysBetween(c.ValidFrom, c.ValidTo) + 1;
        if (terms?.MaxValidityDays is { } max && days > max)
            return Decision.Reject(RejectionKind.Rule, "visa.validity-too-long", "validTo",
                $"a {c.Entries.ToString().ToLowerInvariant()}-entry {c.Category} visa is valid for at most {max} days ({category.Citation}); {days} requested");
        if (state.Person!.PassportExpiry is { } expiry && c.ValidTo > expiry.PlusMonths(-3))
            return Decision.Reject(RejectionKind.Rule, "visa.passport-expires-too-soon", "validTo",
                $"the passport (valid to {expiry:yyyy-MM-dd}) must not expire earlier than 3 months after the visa's end {c.ValidTo:yyyy-MM-dd} (PASS-VALID-3M, 003 'Passport requirements')");
        return Decision.Accept(new VisaIssued(c.CaseId, c.Date, c.Category, c.Entries, c.ValidFrom, c.ValidTo, c.StayPerEntryDays ?? terms?.StayDays, c.InCountry, c.EVisa,
            c.InvitingHostParty, c.Actor));
    }

    public static Decision Extend(ExtendVisa c, CaseState state, RuleCatalogue catalogue)
    {
        if (c.Date > c.Today) return CaseDecider.Future("date", c.Date, c);
        if (state.Visa is not { } visa || !visa.ValidOn(c.Date))
            return Decision.Reject(RejectionKind.Rule, "visa.none-to-extend", "date", $"no visa is valid on {c.Date:yyyy-MM-dd}");
        var category = catalogue.VisaCategory(visa.Category);
        if (category is null || !category.Extendable || visa.EVisa)
            return Decision.Reject(RejectionKind.Rule, "visa.not-extendable", "category", $"a {(visa.EVisa ? "e-Visa" : visa.Category + " visa")} is not extendable in the country");
        if (c.HostPartyId != visa.InvitingHostParty)
            return Decision.Reject(RejectionKind.Rule, "visa.extension-other-host-party", "hostPartyId",
                $"the visa was issued on the invitation of host party {visa.InvitingHostParty}: with another host party this is a new visa application, not an extension (EXT-SAME-HOST, 001 'Виза мерзімін ұзарту')");
        if (c.ValidTo <= visa.ValidTo)
            return Decision.Reject(RejectionKind.Validation, "validation", "validTo", $"{c.ValidTo:yyyy-MM-dd} does not extend the visa's end {visa.ValidTo:yyyy-MM-dd}");
        var window = catalogue.Obligations.ExtensionWindow;
        var opens = catalogue.Calendar.WorkingDaysBefore(visa.ValidTo, window.OpensWorkingDaysBefore);
        var closes = catalogue.Calendar.WorkingDaysBefore(visa.ValidTo, window.ClosesWorkingDaysBefore);
        if (c.Date < opens || c.Date > closes)
        {
            var left = 0;
            for (var d = c.Date; d < visa.ValidTo; d = d.PlusDays(1))
                if (catalogue.Calendar.IsWorkingDay(d)) left++;
            var when = c.Date > closes ? $"the window closed on {closes:yyyy-MM-dd}" : $"the window opens on {opens:yyyy-MM-dd}";
            return Decision.Reject(RejectionKind.Rule, "visa.extension-outside-window", "date",
                $"extension requested on {c.Date:yyyy-MM-dd}, {left} working days before the visa expires on {visa.ValidTo:yyyy-MM-dd}: {when} " +
                $"(no earlier than {window.OpensWorkingDaysBefore} and no later than {window.ClosesWorkingDaysBefore} working days before expiry, {window.Id}, 001)");
        }
        return Decision.Accept(new VisaExtended(c.CaseId, c.Date, visa.ValidTo, c.ValidTo, c.Actor));
    }

    public static Decision ChangeCategory(ChangeCategory c, CaseState state, RuleCatalogue catalogue)
    {
        if (c.Date > c.Today) return CaseDecider.Future("date", c.Date, c);
        if (catalogue.VisaCategory(c.To) is null)
            return Decision.Reject(RejectionKind.Validation, "visa.unknown-category", "to", $"'{c.To}' is not a visa category of the catalogue");
        if (c.ValidTo < c.ValidFrom) return Decision.Reject(RejectionKind.Validation, "validation", "validTo", $"{c.ValidTo:yyyy-MM-dd} is before validFrom {c.ValidFrom:yyyy-MM-dd}");
        if (CaseFactsReader.StayPerEntryProblem(c.StayPerEntryDays) is { } stayProblem) return Decision.Reject(RejectionKind.Validation, "validation", "stayPerEntryDays", stayProblem);
        if (!state.InCountry)
            return Decision.Reject(RejectionKind.Rule, "stay.not-in-country", "date", $"a category change happens in the country; the person is not in the country on {c.Date:yyyy-MM-dd}");
        var from = state.Visa is { } v && v.ValidOn(c.Date) ? v.Category : null;
        var matrix = catalogue.CategoryChanges;
        var change = matrix.Changes.FirstOrDefault(x => x.Target == c.To);
        var allowed = change is not null && !(from is not null && matrix.NeverFrom.Contains(from)) && (from is null
            ? change.FromVisaFree
            : change.FromAllCategories || (change.From ?? []).Contains(from));
        if (!allowed)
            return Decision.Reject(RejectionKind.Rule, "visa.category-change-not-allowed", "to",
                $"category change {from ?? "visa-free"} to {c.To} is not allowed in the country ({(change?.Id ?? "no CHG-" + c.To + " row")}; 000_d0b006081fdc65c8.txt §4.1)");
        return Decision.Accept(new CategoryChanged(c.CaseId, c.Date, from, c.To, c.Entries, c.ValidFrom, c.ValidTo, c.StayPerEntryDays, change!.Id, c.Actor));
    }

    public static Decision Cancel(CancelVisa c, CaseState state, RuleCatalogue catalogue)
    {
        if (c.Date > c.Today) return CaseDecider.Future("date", c.Date, c);
        if (state.Visa is not { } visa || !visa.ValidOn(c.Date))
            return Decision.Reject(RejectionKind.Rule, "visa.none-to-cancel", "date", $"no visa is valid on {c.Date:yyyy-MM-dd}");
        // The catalogue's exit rules start on a date (the seeds give none earlier): a cancellation before it cannot be judged.
        if (catalogue.ExitRuleFor(c.Date) is not { } rule)
            return Decision.Reject(RejectionKind.Validation, "visa.cancellation-before-rules", "date",
                $"no exit rule after a cancellation is in force on {c.Date:yyyy-MM-dd} (the catalogue's rules start on {catalogue.Obligations.ExitAfterCancellation.Min(r => r.EffectiveFrom):yyyy-MM-dd}, obligations.json)");
        var until = rule.WorkingDays is { } wd ? catalogue.Calendar.WithinWorkingDays(c.Date, wd) : c.Date.PlusDays(rule.CalendarDays!.Value - 1);
        return Decision.Accept(new VisaCancelled(c.CaseId, c.Date, visa.Category, until, rule.Id, c.Actor));
    }
}
