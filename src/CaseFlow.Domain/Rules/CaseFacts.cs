using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace CaseFlow.Domain.Rules;

public enum VisaEntries { Single, Multiple }

/// <summary>What the rules engine judges: a person, the host party's size over time (null when unknown), and dated facts about the person.</summary>
public sealed record CaseFacts(PersonFacts Person, HostPartySizes? Sizes, IReadOnlyList<Fact> Events)
{
    /// <summary>The host party's size now (null when unknown).</summary>
    public HostPartySize? HostPartySize => Sizes?.Current;
}

/// <param name="Nationality">ISO 3166-1 alpha-2, upper case.</param>
public sealed record PersonFacts(string Nationality, LocalDate? BirthDate);

/// <summary>A dated fact. <see cref="Date"/> is the business date (Asia/Almaty local date) on which it became true;
/// facts dated after an evaluation's as-of date are ignored.</summary>
public abstract record Fact(LocalDate Date);

public sealed record EnteredFact(LocalDate Date) : Fact(Date);

public sealed record ExitedFact(LocalDate Date) : Fact(Date);

public sealed record NotifiedFact(LocalDate Date) : Fact(Date);

public sealed record AddressChangedFact(LocalDate Date) : Fact(Date);

/// <summary>A visa. <see cref="Fact.Date"/> is the issue date (defaults to <see cref="ValidFrom"/>); validity is inclusive at both ends.
/// <see cref="StayPerEntryDays"/> null means the stay may last the whole validity.</summary>
public sealed record VisaIssuedFact(LocalDate Date, string Category, VisaEntries Entries, LocalDate ValidFrom, LocalDate ValidTo, int? StayPerEntryDays, bool EVisa)
    : Fact(Date);

/// <summary>The visa valid on <see cref="Fact.Date"/> now runs to <see cref="ValidTo"/> (inclusive).</summary>
public sealed record VisaExtendedFact(LocalDate Date, LocalDate ValidTo) : Fact(Date);

public sealed record VisaCancelledFact(LocalDate Date) : Fact(Date);

/// <summary>In the country on <see cref="Fact.Date"/>, the visa valid that day was replaced by a visa of <see cref="Category"/> (000 §4.1):
/// the old visa ends the day before, with no exit visa; the new one is valid <see cref="ValidFrom"/> to <see cref="ValidTo"/> inclusive,
/// also when that ends sooner than the old one did.</summary>
public sealed record CategoryChangedFact(LocalDate Date, string Category, VisaEntries Entries, LocalDate ValidFrom, LocalDate ValidTo, int? StayPerEntryDays)
    : Fact(Date);

public sealed record ResidencePermitIssuedFact(LocalDate Date, LocalDate ValidFrom, LocalDate ValidTo) : Fact(Date);

public sealed record PassportReplacedFact(LocalDate Date) : Fact(Date);

/// <summary>Bad input for the rules engine: <see cref="Field"/> is a JSON path (e.g. <c>events[2].validTo</c>).</summary>
public sealed class FactsException(string field, string message) : Exception($"{field}: {message}")
{
    public string Field { get; } = field;
    public string Reason { get; } = message;
}

/// <summary>Reads the engine's JSON input (see docs/rules.md) into <see cref="CaseFacts"/>, naming the field of any problem.</summary>
public static class CaseFactsReader
{
    /// <summary>The dates the engine judges, inclusive: the catalogue's rules and calendar are meaningful in this range only.</summary>
    public static readonly LocalDate MinDate = new(1900, 1, 1);

    public static readonly LocalDate MaxDate = new(2100, 12, 31);

    /// <summary>
    /// The longest stay per entry a visa can state: every day of the range above (73,414). A longer one could end no later, and its
    /// end would be a date the calendar cannot compute (int.MaxValue days once answered 500).
    /// </summary>
    public static readonly int MaxStayPerEntryDays = Period.DaysBetween(MinDate, MaxDate) + 1;

    /// <summary>What a stated stay per entry must be (the reason every refusal of one gives).</summary>
    public static readonly string StayPerEntryBounds = $"a whole number of days from 1 to {MaxStayPerEntryDays}";

    /// <summary>Why a stated stay per entry cannot be (null when it can): 1 to <see cref="MaxStayPerEntryDays"/> days.</summary>
    public static string? StayPerEntryProblem(int? days) => days is < 1 || days > MaxStayPerEntryDays ? StayPerEntryBounds : null;

    /// <summary>Event types that carry no rule facts (they may appear in a case's history) and are skipped.</summary>
    private static readonly HashSet<string> Ignored = ["CaseOpened", "CaseClosed", "AlertRaised", "AlertAcknowledged", "AlertResolved", "FineExposureAssessed"];

    /// <summary>Type names are matched without regard to case ("entered" is Entered).</summary>
    private static readonly string[] Known =
        ["Entered", "Exited", "Notified", "AddressChanged", "VisaIssued", "VisaExtended", "CategoryChanged", "VisaCancelled", "ResidencePermitIssued", "PassportReplaced",
         .. Ignored];

    public static CaseFacts Read(string json, RuleCatalogue catalogue)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FactsException("$", $"not valid JSON ({e.Message})");
        }
        using (doc)
            return Read(doc.RootElement, catalogue);
    }

    public static CaseFacts Read(JsonElement root, RuleCatalogue catalogue)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new FactsException("$", "must be a JSON object");
        var person = Object(root, "person", "person", required: true)!.Value;
        var nationality = String(person, "nationality", "person.nationality", required: true)!.Trim().ToUpperInvariant();
        if (nationality == "KZ") throw new FactsException("person.nationality", "KZ: citizens of Kazakhstan are not foreigners");
        if (!catalogue.Countries.Contains(nationality))
            throw new FactsException("person.nationality", $"'{Echo(nationality)}' is not an ISO 3166-1 alpha-2 country code");
        var birthDate = Date(person, "birthDate", "person.birthDate", required: false);

        HostPartySize? size = null;
        if (Object(root, "hostParty", "hostParty", required: false) is { } host && String(host, "size", "hostParty.size", required: false) is { } s)
            size = s.ToLowerInvariant() switch
            {
                "small" => HostPartySize.Small,
                "medium" => HostPartySize.Medium,
                "large" => HostPartySize.Large,
                _ => throw new FactsException("hostParty.size", $"'{Echo(s)}' is not one of small, medium, large"),
            };

        if (!root.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
            throw new FactsException("events", "required: an array of events");
        var facts = new List<Fact>();
        var i = 0;
        foreach (var e in events.EnumerateArray())
        {
            var path = $"events[{i++}]";
            if (e.ValueKind != JsonValueKind.Object) throw new FactsException(path, "must be an object");
            var given = String(e, "type", path + ".type", required: true)!;
            var type = Known.FirstOrDefault(k => string.Equals(k, given, StringComparison.OrdinalIgnoreCase)) ?? given;
            LocalDate D(string name, bool required = true) => Date(e, name, $"{path}.{name}", required) ?? default;
            Fact? fact = type switch
            {
                "Entered" => new EnteredFact(D("date")),
                "Exited" => new ExitedFact(D("date")),
                "Notified" => new NotifiedFact(D("date")),
                "AddressChanged" => new AddressChangedFact(D("date")),
                "VisaIssued" => ReadVisa(e, path, catalogue),
                "CategoryChanged" => ReadVisa(e, path, catalogue, "to") is var v ? new CategoryChangedFact(v.Date, v.Category, v.Entries, v.ValidFrom, v.ValidTo, v.StayPerEntryDays) : null,
                "VisaExtended" => new VisaExtendedFact(D("date"), D("validTo")),
                "VisaCancelled" => new VisaCancelledFact(D("date")),
                "ResidencePermitIssued" => ReadPermit(e, path),
                "PassportReplaced" => new PassportReplacedFact(D("date")),
                _ when Ignored.Contains(type) => null,
                _ => throw new FactsException(path + ".type", $"unknown event type '{Echo(type)}'; known: {string.Join(", ", Known)}"),
            };
            if (fact is not null) facts.Add(fact);
        }
        return new CaseFacts(new PersonFacts(nationality, birthDate), size is { } known ? known : null, facts);
    }

    /// <summary>A visa's fields; a category change names its new category in <c>to</c> (as the <c>CategoryChanged</c> event does).</summary>
    private static VisaIssuedFact ReadVisa(JsonElement e, string path, RuleCatalogue catalogue, string categoryField = "category")
    {
        var category = String(e, categoryField, $"{path}.{categoryField}", required: true)!.Trim().ToUpperInvariant();
        if (catalogue.VisaCategory(category) is null) throw new FactsException($"{path}.{categoryField}", $"unknown visa category '{Echo(category)}'");
        var entries = String(e, "entries", path + ".entries", required: false)?.ToLowerInvariant() switch
        {
            null or "single" => VisaEntries.Single,
            "multiple" => VisaEntries.Multiple,
            var other => throw new FactsException(path + ".entries", $"'{Echo(other)}' is not single or multiple"),
        };
        var from = Date(e, "validFrom", path + ".validFrom", required: true)!.Value;
        var to = Date(e, "validTo", path + ".validTo", required: true)!.Value;
        if (to < from) throw new FactsException(path + ".validTo", $"{to:yyyy-MM-dd} is before validFrom {from:yyyy-MM-dd}");
        int? stay = null;
        if (e.TryGetProperty("stayPerEntryDays", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            if (s.ValueKind != JsonValueKind.Number || !s.TryGetInt32(out var v) || StayPerEntryProblem(v) is not null)
                throw new FactsException(path + ".stayPerEntryDays", StayPerEntryBounds);
            stay = v;
        }
        var eVisa = e.TryGetProperty("eVisa", out var ev) && ev.ValueKind == JsonValueKind.True;
        var issued = Date(e, "date", path + ".date", required: false) ?? from;
        return new VisaIssuedFact(issued, category, entries, from, to, stay, eVisa);
    }

    private static ResidencePermitIssuedFact ReadPermit(JsonElement e, string path)
    {
        var from = Date(e, "validFrom", path + ".validFrom", required: true)!.Value;
        var to = Date(e, "validTo", path + ".validTo", required: true)!.Value;
        if (to < from) throw new FactsException(path + ".validTo", $"{to:yyyy-MM-dd} is before validFrom {from:yyyy-MM-dd}");
        return new ResidencePermitIssuedFact(Date(e, "date", path + ".date", required: false) ?? from, from, to);
    }

    /// <summary>A rejected value is never echoed whole: at most its first 20 characters.</summary>
    private static string Echo(string value) => value.Length > 20 ? value[..20] + "…" : value;

    private static JsonElement? Object(JsonElement parent, string name, string path, bool required)
    {
        if (!parent.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return required ? throw new FactsException(path, "required") : null;
        return v.ValueKind == JsonValueKind.Object ? v : throw new FactsException(path, "must be an object");
    }

    private static string? String(JsonElement parent, string name, string path, bool required)
    {
        if (!parent.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return required ? throw new FactsException(path, "required") : null;
        return v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : throw new FactsException(path, "must be a non-empty string");
    }

    private static LocalDate? Date(JsonElement parent, string name, string path, bool required)
    {
        var text = String(parent, name, path, required);
        if (text is null) return null;
        var result = LocalDatePattern.Iso.Parse(text);
        if (!result.Success) throw new FactsException(path, $"'{Echo(text)}' is not a date in the form YYYY-MM-DD");
        return result.Value >= MinDate && result.Value <= MaxDate ? result.Value
            : throw new FactsException(path, $"must be between {MinDate:yyyy-MM-dd} and {MaxDate:yyyy-MM-dd}");
    }
}
