using CaseFlow.Domain.Rules;

namespace CaseFlow.Domain.Cases;

/// <summary>Turns a case's events into the rules engine's facts.</summary>
public static class CaseFactsMapper
{
    public static CaseFacts From(IEnumerable<CaseEvent> events, HostPartySize? hostPartySize = null)
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
            }
        }
        if (person is null) throw new InvalidOperationException("a case's facts need its CaseOpened event");
        return new CaseFacts(new PersonFacts(person.Nationality, person.BirthDate), hostPartySize, facts);
    }
}
