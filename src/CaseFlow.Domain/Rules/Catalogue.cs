using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using CaseFlow.Domain.Calendar;
using CaseFlow.Domain.Json;
using NodaTime;

namespace CaseFlow.Domain.Rules;

public enum LimitKind { PerVisit, Rolling, CalendarYear, VisaValidity, StayPerEntry }

public enum StayBasisKind { VisaFree, Visa, ResidencePermit, None }

public enum HostPartySize { Small, Medium, Large }

/// <summary>A stay limit of a regime. <see cref="Days"/> is the maximum number of days of stay (entry and exit days both count);
/// for <see cref="LimitKind.Rolling"/>, <see cref="WindowDays"/> is the length of the window that ends on the day judged.</summary>
public sealed record StayLimit(string Rule, LimitKind Kind, int Days, string Citation, int? WindowDays = null);

/// <summary>A visa-free regime for a set of nationalities, in force from <see cref="EffectiveFrom"/> to <see cref="EffectiveTo"/> (both inclusive, null = open).
/// A regime applies to a stay by the stay's entry date. <see cref="Status"/> "pending" means not in force (agreement not ratified).</summary>
public sealed record Regime(
    string Id, string Title, string Status, LocalDate? EffectiveFrom, LocalDate? EffectiveTo,
    IReadOnlyList<string> Countries, IReadOnlyList<StayLimit> Limits,
    bool Extendable, bool WorkAllowed, string Citation,
    int? ResidencePermitAfterDays = null, string? ResidencePermitRule = null, string? ResidencePermitCitation = null)
{
    public bool InForceOn(LocalDate date) => Status == "inForce" && Effective.Covers(EffectiveFrom, EffectiveTo, date);
}

public sealed record VisaEntryTerms(int? MaxValidityDays = null, int? StayDays = null);

public sealed record VisaCategory(string Id, string Code, string Title, bool Extendable, string Citation,
    VisaEntryTerms? Single = null, VisaEntryTerms? Multiple = null);

public sealed record EVisaRules(string Id, IReadOnlyList<string> Categories, string Entries, bool Extendable, bool InvalidatedByPassportReplacement, string Citation);

public sealed record VisaCatalogue(string Citation, IReadOnlyList<VisaCategory> Categories, EVisaRules EVisa);

public sealed record CategoryChange(string Id, string Target, IReadOnlyList<string>? From = null, bool FromAllCategories = false, bool FromVisaFree = false, string? Notes = null);

public sealed record CategoryChangeMatrix(string Citation, IReadOnlyList<CategoryChange> Changes, IReadOnlyList<string> NeverFrom, string NeverFromCitation);

public sealed record Fee(string Id, string Title, decimal Mci, LocalDate? EffectiveFrom, string Citation, LocalDate? EffectiveTo = null);

public sealed record FeeCatalogue(IReadOnlyList<Fee> Fees);

public sealed record NotificationRule(string Id, IReadOnlyList<StayBasisKind> Bases, LocalDate? EffectiveFrom, LocalDate? EffectiveTo, string Party, string Citation,
    int? WorkingDays = null, int? CalendarDaysAfter = null);

public sealed record CitedRule(string Id, string Citation);

public sealed record ExtensionWindowRule(string Id, int OpensWorkingDaysBefore, int ClosesWorkingDaysBefore, bool SameHostPartyOnly, string Citation);

public sealed record ExitAfterCancellationRule(string Id, LocalDate? EffectiveFrom, LocalDate? EffectiveTo, string Citation, int? CalendarDays = null, int? WorkingDays = null);

public sealed record Obligations(
    IReadOnlyList<NotificationRule> ArrivalNotification, CitedRule AddressChangeNotification, ExtensionWindowRule ExtensionWindow,
    IReadOnlyList<ExitAfterCancellationRule> ExitAfterCancellation, CitedRule ResidencePermitTerm);

public sealed record OverstayTier(string Id, string Tier, int FromDay, int? ToDay, decimal Mci, string Sanction);

public sealed record RepeatTier(string Id, string Tier, decimal Mci, int WithinDays, string Sanction);

public sealed record Article517(IReadOnlyList<OverstayTier> Overstay, RepeatTier Repeat, string Citation);

public sealed record SizeTiers(string Id, decimal Small, decimal Medium, decimal Large, int? WithinDays = null, int? InvitationBanYears = null)
{
    public decimal For(HostPartySize size) => size switch
    {
        HostPartySize.Small => Small,
        HostPartySize.Medium => Medium,
        _ => Large,
    };
}

public sealed record Article518(SizeTiers First, SizeTiers Repeat, string Citation);

public sealed record FineCatalogue(Article517 Art517, Article518 Art518);

public sealed record MciValue(string Id, int Year, decimal Tenge, string Citation);

public sealed record MciCatalogue(IReadOnlyList<MciValue> Values);

public sealed record Conventions(int RepeatOffenceLookbackDays, string Citation);

public sealed record Manifest(string Version, string Description, Conventions Conventions);

public sealed record CountryList(string Citation, IReadOnlyList<string> Codes);

public sealed record RegimeList(IReadOnlyList<Regime> Regimes);

/// <summary>A catalogue file or entry that is malformed. The message names the file and the entry.</summary>
public sealed class CatalogueException(string message, Exception? inner = null) : Exception(message, inner);

internal static class Effective
{
    public static bool Covers(LocalDate? from, LocalDate? to, LocalDate date) =>
        (from is null || from.Value <= date) && (to is null || date <= to.Value);
}

/// <summary>
/// The versioned, effective-dated rule catalogue: data files under Rules/Catalogue (embedded), each entry with an id,
/// effective dates and a citation. Loaded and validated once; immutable after. <see cref="Version"/> is the manifest version
/// plus the first 12 hex digits of a SHA-256 over every file, so two catalogues with one changed value never share a version.
/// </summary>
public sealed partial class RuleCatalogue
{
    public required string Version { get; init; }
    public required Manifest Manifest { get; init; }
    public required IReadOnlySet<string> Countries { get; init; }
    public required IReadOnlyList<Regime> Regimes { get; init; }
    public required VisaCatalogue Visas { get; init; }
    public required CategoryChangeMatrix CategoryChanges { get; init; }
    public required FeeCatalogue Fees { get; init; }
    public required Obligations Obligations { get; init; }
    public required FineCatalogue Fines { get; init; }
    public required MciCatalogue Mci { get; init; }
    public required WorkingDayCalendar Calendar { get; init; }
    public required CalendarData CalendarData { get; init; }

    private static readonly Lazy<RuleCatalogue> Embedded = new(() => Load(ReadEmbeddedFiles()));

    /// <summary>The catalogue shipped in this assembly.</summary>
    public static RuleCatalogue Default => Embedded.Value;

    public static readonly string[] FileNames =
        ["manifest.json", "countries.json", "regimes.json", "visas.json", "category-changes.json", "fees.json", "obligations.json", "fines.json", "mci.json", "calendar.json"];

    public static IReadOnlyDictionary<string, string> ReadEmbeddedFiles() => ReadEmbeddedFiles(typeof(RuleCatalogue).Assembly);

    /// <summary>The catalogue files embedded in <paramref name="assembly"/>; a missing one is named.</summary>
    internal static IReadOnlyDictionary<string, string> ReadEmbeddedFiles(System.Reflection.Assembly assembly)
    {
        return FileNames.ToDictionary(f => f, f =>
        {
            using var stream = assembly.GetManifestResourceStream("CaseFlow.Catalogue." + f)
                ?? throw new CatalogueException($"catalogue file {f} is missing from the assembly");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        });
    }

    /// <summary>Parses and validates a catalogue from file name to JSON text. Throws <see cref="CatalogueException"/> naming the file and entry at fault.</summary>
    public static RuleCatalogue Load(IReadOnlyDictionary<string, string> files)
    {
        T Parse<T>(string file)
        {
            if (!files.TryGetValue(file, out var text)) throw new CatalogueException($"catalogue file {file} is missing");
            try
            {
                return JsonSerializer.Deserialize<T>(text, StrictOptions) ?? throw new CatalogueException($"{file}: empty");
            }
            catch (JsonException e)
            {
                throw new CatalogueException($"{file}: {e.Message}", e);
            }
        }

        var manifest = Parse<Manifest>("manifest.json");
        var countries = Parse<CountryList>("countries.json");
        var regimes = Parse<RegimeList>("regimes.json").Regimes;
        var visas = Parse<VisaCatalogue>("visas.json");
        var changes = Parse<CategoryChangeMatrix>("category-changes.json");
        var fees = Parse<FeeCatalogue>("fees.json");
        var obligations = Parse<Obligations>("obligations.json");
        var fines = Parse<FineCatalogue>("fines.json");
        var mci = Parse<MciCatalogue>("mci.json");
        var calendar = Parse<CalendarData>("calendar.json");

        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Concat(FileNames.Select(f => f + "\n" + files[f] + "\n"))));
        var catalogue = new RuleCatalogue
        {
            Version = $"{manifest.Version}+{Convert.ToHexStringLower(hash)[..12]}",
            Manifest = manifest,
            Countries = countries.Codes.ToHashSet(StringComparer.Ordinal),
            Regimes = regimes,
            Visas = visas,
            CategoryChanges = changes,
            Fees = fees,
            Obligations = obligations,
            Fines = fines,
            Mci = mci,
            Calendar = new WorkingDayCalendar(calendar),
            CalendarData = calendar,
        };
        CatalogueValidator.Validate(catalogue);
        return catalogue;
    }

    private static readonly JsonSerializerOptions StrictOptions = CreateStrictOptions();

    private static JsonSerializerOptions CreateStrictOptions()
    {
        var options = CaseFlowJson.Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        options.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        return options;
    }
}
