using System.Text.Json.Nodes;
using CaseFlow.Domain.Rules;

namespace CaseFlow.Domain.Tests.Rules;

/// <summary>
/// Every check of <c>CatalogueValidator</c> fails a catalogue broken in exactly that way, naming the file, the entry and the problem
/// (ADR 2: the catalogue is data, so the load is where a wrong edit must be caught). Each case edits the embedded catalogue once.
/// </summary>
public class CatalogueValidatorTests
{
    private static JsonNode Regime(JsonNode root, string id) => root["regimes"]!.AsArray().Single(r => (string?)r!["id"] == id)!;

    private static JsonNode Limit(JsonNode root, string regime, int i) => Regime(root, regime)["limits"]![i]!;

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "countries-lower", "countries.json: codes", "every code is two upper-case letters" },
        { "countries-three", "countries.json: codes", "every code is two upper-case letters" },
        { "countries-empty", "countries.json: codes", "every code is two upper-case letters" },
        { "countries-mixed", "countries.json: codes", "every code is two upper-case letters" },
        { "regime-status", "regimes.json: regime VF-53", "status 'repealed' is neither inForce nor pending" },
        { "regime-no-from", "regimes.json: regime VF-53", "a regime in force needs effectiveFrom" },
        { "regime-from-after-to", "regimes.json: regime VF-54-QA", "effectiveFrom is after effectiveTo" },
        { "regime-no-limits", "regimes.json: regime VF-53", "has no limits" },
        { "regime-no-citation", "regimes.json: regime VF-53", "has no citation" },
        { "limit-zero-days", "regimes.json: regime VF-53 limit VF-30-ENTRY", "days must be positive" },
        { "limit-wrong-kind", "regimes.json: regime VF-53 limit VF-30-ENTRY", "kind StayPerEntry is not a regime limit" },
        { "limit-rolling-narrow", "regimes.json: regime VF-53 limit VF-90-180", "a rolling limit needs windowDays >= days" },
        { "limit-rolling-no-window", "regimes.json: regime VF-53 limit VF-90-180", "a rolling limit needs windowDays >= days" },
        { "limit-no-citation", "regimes.json: regime VF-53 limit VF-30-ENTRY", "has no citation" },
        { "permit-half", "regimes.json: regime BVF-CIS-EAEU", "residencePermitAfterDays and residencePermitRule go together" },
        { "regimes-share-a-country", "regimes.json: regimes BVF-CIS and BVF-GE-MD", "both in force for AZ on overlapping dates" },
        { "regimes-touch-at-the-end", "regimes.json: regimes BVF-AD and BVF-AD-2022", "both in force for AD on overlapping dates" },
        { "regimes-touch-at-the-start", "regimes.json: regimes BVF-AD and BVF-AD-2022", "both in force for AD on overlapping dates" },
        { "regime-duplicate-id", "regimes.json: regime id", "'VF-53' appears more than once" },
        { "visa-duplicate-code", "visas.json: category code", "'C3' appears more than once" },
        { "visa-no-citation", "visas.json: category C3", "has no citation" },
        { "evisa-unknown", "visas.json: eVisa", "unknown category Z9" },
        { "change-unknown-target", "category-changes.json: CHG-C3", "unknown target Z9" },
        { "change-unknown-source", "category-changes.json: CHG-C3", "unknown source Z9" },
        { "change-duplicate-target", "category-changes.json: target", "'C3' appears more than once" },
        { "fee-negative", "fees.json: FEE-INVITE", "needs a non-negative MCI amount and a citation" },
        { "fee-no-citation", "fees.json: FEE-INVITE", "needs a non-negative MCI amount and a citation" },
        { "notify-both", "obligations.json: arrivalNotification NOTIFY-3WD", "exactly one of workingDays or calendarDaysAfter, positive" },
        { "notify-neither", "obligations.json: arrivalNotification NOTIFY-3WD", "exactly one of workingDays or calendarDaysAfter, positive" },
        { "notify-calendar-zero", "obligations.json: arrivalNotification NOTIFY-EREG-30CD", "exactly one of workingDays or calendarDaysAfter, positive" },
        { "notify-overlap", "obligations.json: arrivalNotification NOTIFY-3WD/NOTIFY-3WD", "overlap for basis Visa" },
        { "window-closes-zero", "obligations.json: EXT-WINDOW", "the window must open before it closes" },
        { "window-equal", "obligations.json: EXT-WINDOW", "the window must open before it closes" },
        { "exit-both", "obligations.json: EXIT-AFTER-CANCEL-30D", "exactly one of calendarDays or workingDays, positive" },
        { "exit-zero", "obligations.json: EXIT-AFTER-CANCEL-30D", "exactly one of calendarDays or workingDays, positive" },
        { "exit-working-zero", "obligations.json: EXIT-AFTER-CANCEL-15WD", "exactly one of calendarDays or workingDays, positive" },
        { "tiers-empty", "fines.json: art517.overstay", "tiers must start at day 1 and end open" },
        { "tiers-start", "fines.json: art517.overstay", "tiers must start at day 1 and end open" },
        { "tiers-closed", "fines.json: art517.overstay", "tiers must start at day 1 and end open" },
        { "tiers-gap", "fines.json: art517.overstay FINE517-OS-5-10", "tiers must be contiguous" },
        { "tiers-overlap", "fines.json: art517.overstay FINE517-OS-5-10", "tiers must be contiguous" },
        { "mci-duplicate", "mci.json: year", "'2024' appears more than once" },
        { "mci-zero", "mci.json: MCI-2021", "tenge must be positive" },
        { "calendar-weekend-holiday", "calendar.json: publishedYears 2024", "2024-05-04 is not a weekday of 2024" },
        { "calendar-other-year", "calendar.json: publishedYears 2024", "2025-01-01 is not a weekday of 2024" },
        { "calendar-weekday-worked", "calendar.json: publishedYears 2024", "2024-05-06 is not a weekend day of 2024" },
        { "calendar-worked-other-year", "calendar.json: publishedYears 2024", "2023-05-06 is not a weekend day of 2024" },
        { "calendar-count", "calendar.json: publishedYears 2024", "lists give 249 working days, the year states 250" },
    };

    private static void Break(string change, Dictionary<string, JsonNode> f)
    {
        var regimes = f["regimes.json"];
        switch (change)
        {
            case "countries-lower": f["countries.json"]["codes"]!.AsArray().Add("de"); break;
            case "countries-three": f["countries.json"]["codes"]!.AsArray().Add("DEU"); break;
            case "countries-mixed": f["countries.json"]["codes"]!.AsArray().Add("De"); break;
            case "countries-empty": f["countries.json"]["codes"] = new JsonArray(); break;
            case "regime-status": Regime(regimes, "VF-53")["status"] = "repealed"; break;
            case "regime-no-from": Regime(regimes, "VF-53")["effectiveFrom"] = null; break;
            case "regime-from-after-to": Regime(regimes, "VF-54-QA")["effectiveFrom"] = "2024-01-01"; break;
            case "regime-no-limits": Regime(regimes, "VF-53")["limits"] = new JsonArray(); break;
            case "regime-no-citation": Regime(regimes, "VF-53")["citation"] = " "; break;
            case "limit-zero-days": Limit(regimes, "VF-53", 0)["days"] = 0; break;
            case "limit-wrong-kind": Limit(regimes, "VF-53", 0)["kind"] = "stayPerEntry"; break;
            case "limit-rolling-narrow": Limit(regimes, "VF-53", 1)["windowDays"] = 89; break;
            case "limit-rolling-no-window": Limit(regimes, "VF-53", 1)["windowDays"] = null; break;
            case "limit-no-citation": Limit(regimes, "VF-53", 0)["citation"] = ""; break;
            case "permit-half": regimes["regimes"]!.AsArray().First(r => r!["residencePermitRule"] is not null)!["residencePermitRule"] = null; break;
            case "regimes-share-a-country": Regime(regimes, "BVF-GE-MD")["countries"]!.AsArray().Add("AZ"); break;
            case "regimes-touch-at-the-end": Regime(regimes, "BVF-AD-2022")["effectiveTo"] = "2024-01-01"; break; // BVF-AD from 2024-01-01
            case "regimes-touch-at-the-start": Regime(regimes, "BVF-AD")["effectiveFrom"] = "2022-01-01"; Regime(regimes, "BVF-AD")["effectiveTo"] = "2022-08-05"; break;
            case "regime-duplicate-id": Regime(regimes, "VF-54-QA")["id"] = "VF-53"; break;
            case "visa-duplicate-code": f["visas.json"]["categories"]!.AsArray().First(v => (string?)v!["code"] == "A3")!["code"] = "C3"; break;
            case "visa-no-citation": f["visas.json"]["categories"]!.AsArray().First(v => (string?)v!["code"] == "C3")!["citation"] = ""; break;
            case "evisa-unknown": f["visas.json"]["eVisa"]!["categories"]!.AsArray().Add("Z9"); break;
            case "change-unknown-target": f["category-changes.json"]["changes"]![0]!["target"] = "Z9"; f["category-changes.json"]["changes"]![0]!["id"] = "CHG-C3"; break;
            case "change-unknown-source": f["category-changes.json"]["changes"]![0]!["from"]!.AsArray().Add("Z9"); break;
            case "change-duplicate-target": f["category-changes.json"]["changes"]![1]!["target"] = "C3"; break;
            case "fee-negative": f["fees.json"]["fees"]![0]!["mci"] = -1; break;
            case "fee-no-citation": f["fees.json"]["fees"]![0]!["citation"] = " "; break;
            case "notify-both": f["obligations.json"]["arrivalNotification"]![0]!["calendarDaysAfter"] = 30; break;
            case "notify-neither": f["obligations.json"]["arrivalNotification"]![0]!["workingDays"] = 0; break;
            case "notify-calendar-zero": f["obligations.json"]["arrivalNotification"]![2]!["calendarDaysAfter"] = 0; break;
            case "notify-overlap": f["obligations.json"]["arrivalNotification"]![1]!["effectiveFrom"] = "2026-06-01"; break;
            case "window-closes-zero": f["obligations.json"]["extensionWindow"]!["closesWorkingDaysBefore"] = 0; break;
            case "window-equal": f["obligations.json"]["extensionWindow"]!["closesWorkingDaysBefore"] = 30; break;
            case "exit-both": f["obligations.json"]["exitAfterCancellation"]![0]!["workingDays"] = 15; break;
            case "exit-zero": f["obligations.json"]["exitAfterCancellation"]![0]!["calendarDays"] = 0; break;
            case "exit-working-zero": f["obligations.json"]["exitAfterCancellation"]![1]!["workingDays"] = 0; break;
            case "tiers-empty": f["fines.json"]["art517"]!["overstay"] = new JsonArray(); break;
            case "tiers-start": f["fines.json"]["art517"]!["overstay"]![0]!["fromDay"] = 2; break;
            case "tiers-closed": f["fines.json"]["art517"]!["overstay"]![3]!["toDay"] = 100; break;
            case "tiers-gap": f["fines.json"]["art517"]!["overstay"]![2]!["fromDay"] = 7; break;
            case "tiers-overlap": f["fines.json"]["art517"]!["overstay"]![2]!["fromDay"] = 5; break;
            case "mci-duplicate": f["mci.json"]["values"]!.AsArray().Add(new JsonObject { ["id"] = "MCI-X", ["year"] = 2024, ["tenge"] = 1, ["citation"] = "x" }); break;
            case "mci-zero": f["mci.json"]["values"]![0]!["tenge"] = 0; break;
            case "calendar-weekend-holiday": Year2024(f)["nonWorkingWeekdays"]!.AsArray().Add("2024-05-04"); break;
            case "calendar-other-year": Year2024(f)["nonWorkingWeekdays"]!.AsArray().Add("2025-01-01"); break;
            case "calendar-weekday-worked": Year2024(f)["workingWeekendDays"]!.AsArray().Add("2024-05-06"); break;
            case "calendar-worked-other-year": Year2024(f)["workingWeekendDays"]!.AsArray().Add("2023-05-06"); break;
            case "calendar-count": Year2024(f)["workingDays"] = 250; break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }
    }

    private static JsonNode Year2024(Dictionary<string, JsonNode> f) => f["calendar.json"]["publishedYears"]!.AsArray().Single(y => (int)y!["year"]! == 2024)!;

    [Theory]
    [MemberData(nameof(Cases))]
    public void BrokenCatalogue_RefusedAtLoad_NamingFileEntryAndProblem(string change, string where, string problem)
    {
        var files = RuleCatalogue.ReadEmbeddedFiles().ToDictionary(kv => kv.Key, kv => JsonNode.Parse(kv.Value)!);
        Break(change, files);
        var error = Assert.Throws<CatalogueException>(() => RuleCatalogue.Load(files.ToDictionary(kv => kv.Key, kv => kv.Value.ToJsonString())));
        Assert.Equal($"{where}: {problem}", error.Message);
    }

    /// <summary>The bounds of the checks are inclusive where the law's periods are: a regime in force for one day, a fee of 0 MCI.</summary>
    [Theory]
    [InlineData("regime-one-day")]
    [InlineData("fee-zero")]
    public void EdgeOfACheck_Accepted(string change)
    {
        var files = RuleCatalogue.ReadEmbeddedFiles().ToDictionary(kv => kv.Key, kv => JsonNode.Parse(kv.Value)!);
        switch (change)
        {
            case "regime-one-day": Regime(files["regimes.json"], "VF-54-QA")["effectiveFrom"] = "2023-12-31"; break; // effectiveTo 2023-12-31
            case "fee-zero": files["fees.json"]["fees"]![0]!["mci"] = 0; break;
        }
        Assert.NotNull(RuleCatalogue.Load(files.ToDictionary(kv => kv.Key, kv => kv.Value.ToJsonString())));
    }

    [Fact]
    public void TheEmbeddedCatalogue_PassesEveryCheck() => Assert.NotNull(RuleCatalogue.Load(RuleCatalogue.ReadEmbeddedFiles()));
}
