using System.Text.Json.Nodes;
using CaseFlow.Domain.Rules;
using NodaTime;
using NodaTime.Text;

namespace CaseFlow.Domain.Tests;

/// <summary>Builds the engine's JSON input, so tests go through the same reader as the CLI and the API.</summary>
internal sealed class FactsBuilder(string nationality)
{
    private readonly JsonArray events = [];
    private string? size;
    private string? birthDate;

    public static FactsBuilder For(string nationality) => new(nationality);

    public FactsBuilder Host(string hostSize) { size = hostSize; return this; }
    public FactsBuilder Born(string date) { birthDate = date; return this; }
    public FactsBuilder Enter(string date) => Add("Entered", date);
    public FactsBuilder Exit(string date) => Add("Exited", date);
    public FactsBuilder Notify(string date) => Add("Notified", date);
    public FactsBuilder AddressChange(string date) => Add("AddressChanged", date);
    public FactsBuilder Cancel(string date) => Add("VisaCancelled", date);
    public FactsBuilder PassportReplaced(string date) => Add("PassportReplaced", date);
    public FactsBuilder Stay(string entry, string exit) => Enter(entry).Exit(exit);

    public FactsBuilder Visa(string category, string from, string to, int? stay = null, string entries = "multiple", string? issued = null, bool eVisa = false)
    {
        var visa = new JsonObject { ["type"] = "VisaIssued", ["category"] = category, ["entries"] = entries, ["validFrom"] = from, ["validTo"] = to, ["eVisa"] = eVisa };
        if (stay is not null) visa["stayPerEntryDays"] = stay;
        if (issued is not null) visa["date"] = issued;
        events.Add(visa);
        return this;
    }

    public FactsBuilder Extend(string date, string validTo)
    {
        events.Add(new JsonObject { ["type"] = "VisaExtended", ["date"] = date, ["validTo"] = validTo });
        return this;
    }

    public FactsBuilder ChangeCategory(string date, string to, string from, string until, string entries = "multiple")
    {
        events.Add(new JsonObject { ["type"] = "CategoryChanged", ["date"] = date, ["to"] = to, ["entries"] = entries, ["validFrom"] = from, ["validTo"] = until });
        return this;
    }

    public FactsBuilder Permit(string from, string to, string? issued = null)
    {
        var permit = new JsonObject { ["type"] = "ResidencePermitIssued", ["validFrom"] = from, ["validTo"] = to };
        if (issued is not null) permit["date"] = issued;
        events.Add(permit);
        return this;
    }

    private FactsBuilder Add(string type, string date)
    {
        events.Add(new JsonObject { ["type"] = type, ["date"] = date });
        return this;
    }

    public string Json()
    {
        var person = new JsonObject { ["nationality"] = nationality };
        if (birthDate is not null) person["birthDate"] = birthDate;
        var root = new JsonObject { ["person"] = person, ["events"] = events.DeepClone() };
        if (size is not null) root["hostParty"] = new JsonObject { ["size"] = size };
        return root.ToJsonString();
    }

    public CaseFacts Build() => CaseFactsReader.Read(Json(), RuleCatalogue.Default);

    public Evaluation EvaluateOn(string asOf) => RulesEngine.Evaluate(RuleCatalogue.Default, Build(), D(asOf));

    public PlanResult Plan(string entry, string? exit = null) =>
        RulesEngine.Plan(RuleCatalogue.Default, Build(), D(entry), exit is null ? null : D(exit));

    public static LocalDate D(string text) => LocalDatePattern.Iso.Parse(text).GetValueOrThrow();
}
