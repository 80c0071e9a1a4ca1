using CaseFlow.Domain.Rules;

namespace CaseFlow.Domain.Cases;

/// <summary>Turns a case's events into the rules engine's facts.</summary>
public static class CaseFactsMapper
{
    /// <param name="hostPartySizes">The host party's sizes over time, which decide art. 518 amounts: required (null only when truly unknown), so
    /// no path can forget them (the audit export once evaluated without the size and showed a large host's 20 MCI as 10).</param>
    public static CaseFacts From(IEnumerable<CaseEvent> events, HostPartySizes? hostPartySizes)
    {
        Person? person = null;
        var facts = new List<Fact>();
        foreach (var e in events)
        {
            switch (e)
            {
                case CaseOpened o: person = o.Person; break;
                case Entered x: facts.Add(new EnteredFact(x.Date)); break;
                case Notified n: facts.Add(new NotifiedFact(n.Date)); break;
                case Exited x: facts.Add(new ExitedFact(x.Date)); break;
                case AddressChanged a: facts.Add(new AddressChangedFact(a.Date)); break;
                case VisaIssued v: facts.Add(new VisaIssuedFact(v.Date, v.Category, v.Entries, v.ValidFrom, v.ValidTo, v.StayPerEntryDays, v.EVisa)); break;
                case VisaExtended x: facts.Add(new VisaExtendedFact(x.Date, x.ValidTo)); break;
                // The new visa replaces the old one from the change date (also when it ends sooner); replaced, not cancelled: no exit visa.
                case CategoryChanged c: facts.Add(new CategoryChangedFact(c.Date, c.To, c.Entries, c.ValidFrom, c.ValidTo, c.StayPerEntryDays)); break;
                case VisaCancelled c: facts.Add(new VisaCancelledFact(c.Date)); break;
                case ResidencePermitIssued p: facts.Add(new ResidencePermitIssuedFact(p.Date, p.ValidFrom, p.ValidTo)); break;
                case PassportReplaced p: facts.Add(new PassportReplacedFact(p.Date)); break;
            }
        }
        if (person is null) throw new InvalidOperationException("a case's facts need its CaseOpened event");
        return new CaseFacts(new PersonFacts(person.Nationality, person.BirthDate), hostPartySizes, facts);
    }
}
