using System.Net;
using System.Text;
using System.Text.Json;

namespace CaseFlow.Api.Tests;

/// <summary>Real stories over HTTP on real PostgreSQL (issue 4). The clock is 2024-06-01 (Asia/Almaty).</summary>
public class StoryTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private async Task<(string Location, HttpClient Client)> OpenAsync(string nationality, string user = "compliance", Guid? host = null, string? passportExpiry = null)
    {
        var client = app.Client(user);
        var response = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Story", givenNames = nationality, nationality, birthDate = "1985-01-01", passportNumber = Guid.NewGuid().ToString("N")[..9], passportExpiry },
            hostPartyId = host ?? app.HostA,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (response.Headers.Location!.ToString(), client);
    }

    private static async Task<HttpResponseMessage> Ok(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    private static JsonElement Deadline(JsonElement view, string kind) =>
        view.GetProperty("evaluation").GetProperty("deadlines").EnumerateArray().Single(d => d.GetProperty("kind").GetString() == kind);

    [Fact]
    public async Task GermanConsultant_VisaFree_NotifiedLate_HostSmallExposedTo10Mci()
    {
        var (c, client) = await OpenAsync("DE");
        await Ok(client.PostJsonAsync($"{c}/entries", new { date = "2024-05-24", borderPoint = "NQZ airport" }, "\"1\""));
        // Fri 24 May: day 1; Mon 27 (2), Tue 28 (3): due 28 May (000 §1). Notified on 30 May: late.
        var view = await (await Ok(client.PostJsonAsync($"{c}/notifications", new { date = "2024-05-30", channel = "eQonaq" }, "\"2\""))).JsonAsync();
        Assert.Equal(("2024-05-28", "missed"), (Deadline(view, "arrivalNotification").GetProperty("due").GetString(), Deadline(view, "arrivalNotification").GetProperty("status").GetString()));
        var fine = view.GetProperty("evaluation").GetProperty("fines")[0];
        // Art. 518 small business 10 MCI x 3,692 (MCI 2024, 000).
        Assert.Equal((518, 10m, 36920m), (fine.GetProperty("article").GetInt32(), fine.GetProperty("mci").GetDecimal(), fine.GetProperty("tenge").GetDecimal()));
        Assert.Equal(10m, view.GetProperty("fineExposure").GetProperty("mci").GetDecimal());
        Assert.Equal("visaFree", view.GetProperty("basis").GetString());
        Assert.Equal(22, view.GetProperty("daysLeft").GetInt32()); // last lawful day 22 Jun (30 days from 24 May)
    }

    [Fact]
    public async Task RussianEngineer_NeedsATrpBeyond90Days_TrpIssuedAfterNotification()
    {
        var (c, client) = await OpenAsync("RU");
        await Ok(client.PostJsonAsync($"{c}/entries", new { date = "2024-04-01", borderPoint = "Petropavl" }, "\"1\""));
        var view = await (await client.GetAsync(c)).JsonAsync();
        // 001: EAEU citizens need a TRP to stay beyond 90 days: day 90 is 29 Jun.
        Assert.Equal(("2024-06-29", "open"), (Deadline(view, "residencePermitRequired").GetProperty("due").GetString(), Deadline(view, "residencePermitRequired").GetProperty("status").GetString()));
        // 000 §5: the TRP is processed once the arrival notification is filed.
        var refused = await client.PostJsonAsync($"{c}/residence-permits", new { date = "2024-05-20", validFrom = "2024-05-20", validTo = "2025-05-19" }, "\"2\"");
        Assert.Equal("urn:caseflow:permit.notification-required", await refused.TypeAsync());
        await Ok(client.PostJsonAsync($"{c}/notifications", new { date = "2024-04-02", channel = "eQonaq" }, "\"2\""));
        view = await (await Ok(client.PostJsonAsync($"{c}/residence-permits", new { date = "2024-05-20", validFrom = "2024-05-20", validTo = "2025-05-19" }, "\"3\""))).JsonAsync();
        Assert.Equal(("residencePermit", "2025-05-19"), (view.GetProperty("basis").GetString(), view.GetProperty("permittedUntil").GetString()));
        Assert.Equal("met", Deadline(view, "residencePermitRequired").GetProperty("status").GetString());
    }

    [Fact]
    public async Task C3WorkVisa_ExtendedInItsWindow_ThenCancelledWithAnExitVisa()
    {
        var (c, client) = await OpenAsync("JO", passportExpiry: "2030-01-01");
        await Ok(client.PostJsonAsync($"{c}/visas", new { date = "2023-06-20", category = "C3", entries = "multiple", validFrom = "2023-07-01", validTo = "2024-06-30" }, "\"1\""));
        await Ok(client.PostJsonAsync($"{c}/entries", new { date = "2023-07-03", borderPoint = "NQZ airport" }, "\"2\""));
        await Ok(client.PostJsonAsync($"{c}/notifications", new { date = "2023-07-04", channel = "eQonaq" }, "\"3\""));
        // 001: 30 to 5 working days before 30 Jun 2024: from Mon 20 May to Mon 24 Jun.
        var view = await (await client.GetAsync(c)).JsonAsync();
        Assert.Equal("2024-05-20", Deadline(view, "extensionWindowOpens").GetProperty("due").GetString());
        Assert.Equal("2024-06-24", Deadline(view, "extensionWindowCloses").GetProperty("due").GetString());
        view = await (await Ok(client.PostJsonAsync($"{c}/visa-extensions", new { date = "2024-05-31", validTo = "2025-06-30" }, "\"4\""))).JsonAsync();
        Assert.Equal("2025-06-30", view.GetProperty("permittedUntil").GetString());
        // Cancelled on 1 Jun 2024: the B16 exit visa of 004 (30 days) applies until the end of 2024: last day 30 Jun.
        view = await (await Ok(client.PostJsonAsync($"{c}/visa-cancellations", new { date = "2024-06-01" }, "\"5\""))).JsonAsync();
        Assert.Equal(("2024-06-30", "EXIT-AFTER-CANCEL-30D"), (view.GetProperty("permittedUntil").GetString(), Deadline(view, "exitVisaExpiry").GetProperty("rule").GetString()));
        var events = await (await client.GetAsync($"{c}/events")).JsonAsync();
        Assert.Equal("VisaCancelled.v1", events[5].GetProperty("type").GetString());
        Assert.Equal("2024-06-30", events[5].GetProperty("data").GetProperty("exitVisaUntil").GetString());
    }

    [Fact]
    public async Task Extension_3WorkingDaysBeforeExpiry_RefusedWithTheClosingDate()
    {
        var (c, client) = await OpenAsync("JO");
        await Ok(client.PostJsonAsync($"{c}/visas", new { date = "2024-01-01", category = "C3", entries = "multiple", validFrom = "2024-01-01", validTo = "2024-06-05" }, "\"1\""));
        await Ok(client.PostJsonAsync($"{c}/entries", new { date = "2024-01-10", borderPoint = "NQZ airport" }, "\"2\""));
        var refused = await client.PostJsonAsync($"{c}/visa-extensions", new { date = "2024-05-31", validTo = "2025-06-05" }, "\"3\"");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.JsonAsync();
        Assert.Equal("urn:caseflow:visa.extension-outside-window", problem.GetProperty("type").GetString());
        Assert.Contains("3 working days before", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("closed on 2024-05-29", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var other = await client.PostJsonAsync($"{c}/visa-extensions", new { date = "2024-05-24", validTo = "2025-06-05", hostPartyId = app.HostB }, "\"3\"");
        Assert.Equal("urn:caseflow:visa.extension-other-host-party", await other.TypeAsync());
    }

    [Fact]
    public async Task B2Visitor_CategoryChangeToC5_Refused_NothingAppended()
    {
        var (c, client) = await OpenAsync("JO");
        await Ok(client.PostJsonAsync($"{c}/visas", new { date = "2024-05-01", category = "B2", entries = "single", validFrom = "2024-05-01", validTo = "2024-07-29", stayPerEntryDays = 30 }, "\"1\""));
        await Ok(client.PostJsonAsync($"{c}/entries", new { date = "2024-05-10", borderPoint = "ALA airport" }, "\"2\""));
        var refused = await client.PostJsonAsync($"{c}/category-changes", new { date = "2024-05-30", to = "C5", entries = "multiple", validFrom = "2024-05-30", validTo = "2025-05-29" }, "\"3\"");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.JsonAsync();
        Assert.Equal("urn:caseflow:visa.category-change-not-allowed", problem.GetProperty("type").GetString());
        Assert.Contains("B2 to C5 is not allowed in the country", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, (await (await client.GetAsync($"{c}/events")).JsonAsync()).GetArrayLength());
        // B2 to C3 is on the matrix (000 §4.1).
        var view = await (await Ok(client.PostJsonAsync($"{c}/category-changes", new { date = "2024-05-30", to = "C3", entries = "multiple", validFrom = "2024-05-30", validTo = "2025-05-29" }, "\"3\""))).JsonAsync();
        Assert.Equal("2025-05-29", view.GetProperty("permittedUntil").GetString());
    }

    [Fact]
    public async Task TwoHostParties_CannotSeeEachOthersCases()
    {
        var (c, _) = await OpenAsync("FR");
        var other = app.Client("complianceB");
        var get = await other.GetAsync(c);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("urn:caseflow:not-found", await get.TypeAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"{c}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostJsonAsync($"{c}/entries", new { date = "2024-05-01", borderPoint = "ALA" }, "\"1\"")).StatusCode);
        var page = await (await other.GetAsync($"/api/cases?hostParty={app.HostA}")).JsonAsync();
        Assert.Equal(0, page.GetProperty("items").GetArrayLength());
        var foreign = await other.PostJsonAsync("/api/cases", new { person = new { familyName = "X", givenNames = "Y", nationality = "FR", birthDate = "1990-01-01", passportNumber = "X1" }, hostPartyId = app.HostA });
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
    }

    [Fact]
    public async Task Auditor_ReadsButCannotWrite_OpsSeesNoPersonalData_NoKeyIs401()
    {
        var (c, _) = await OpenAsync("FR");
        var auditor = app.Client("auditor");
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync(c)).StatusCode);
        var write = await auditor.PostJsonAsync($"{c}/entries", new { date = "2024-05-01", borderPoint = "ALA" }, "\"1\"");
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal("urn:caseflow:forbidden", await write.TypeAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client("ops").GetAsync(c)).StatusCode);
        var anonymous = await app.Client(null).GetAsync(c);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("urn:caseflow:unauthorized", await anonymous.TypeAsync());
        var bad = app.CreateClient();
        bad.DefaultRequestHeaders.Add("X-Api-Key", "cf_not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await bad.GetAsync(c)).StatusCode);
    }

    [Fact]
    public async Task IdempotencyKey_SameBodyReplays_DifferentBodyIs422()
    {
        var (c, client) = await OpenAsync("IT");
        var first = await client.PostJsonAsync($"{c}/entries", new { date = "2024-05-20", borderPoint = "ALA" }, "\"1\"", "entry-1");
        var again = await client.PostJsonAsync($"{c}/entries", new { date = "2024-05-20", borderPoint = "ALA" }, "\"1\"", "entry-1");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Equal(2, (await (await client.GetAsync($"{c}/events")).JsonAsync()).GetArrayLength());
        var reused = await client.PostJsonAsync($"{c}/entries", new { date = "2024-05-21", borderPoint = "ALA" }, "\"1\"", "entry-1");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("urn:caseflow:idempotency-key-reused", await reused.TypeAsync());

        // Opening a case twice with one key creates one case.
        var body = new { person = new { familyName = "Once", givenNames = "O", nationality = "IT", birthDate = "1990-01-01", passportNumber = "ONCE123" }, hostPartyId = app.HostA };
        var open1 = await client.PostJsonAsync("/api/cases", body, idempotencyKey: "open-once");
        var open2 = await client.PostJsonAsync("/api/cases", body, idempotencyKey: "open-once");
        Assert.Equal((HttpStatusCode.Created, open1.Headers.Location), (open2.StatusCode, open2.Headers.Location));
        // Without the key, the database refuses a second case for the same person and host party.
        var duplicate = await client.PostJsonAsync("/api/cases", body);
        Assert.Equal("urn:caseflow:case.duplicate-person", await duplicate.TypeAsync());
        // Another host party inviting the same person opens its own case: one case per person and host party, and host A's case is
        // neither found for host B nor named to it.
        var atB = await app.Client("complianceB").PostJsonAsync("/api/cases", body with { hostPartyId = app.HostB });
        Assert.Equal(HttpStatusCode.Created, atB.StatusCode);
        Assert.NotEqual(open1.Headers.Location, atB.Headers.Location);
        // A duplicate at either names that host party's own case, never the other's.
        foreach (var (user, host, own) in new[] { ("compliance", app.HostA, open1), ("complianceB", app.HostB, atB) })
        {
            var refused = await (await app.Client(user).PostJsonAsync("/api/cases", body with { hostPartyId = host })).JsonAsync();
            Assert.Equal(own.Headers.Location!.ToString().Split('/')[^1], refused.GetProperty("existingCaseId").GetString());
        }
    }

    [Fact]
    public async Task TheListsColumns_StatusBasisNextDeadlineFinesAndMask_AsTheStatusRowStoresThem()
    {
        // Today is 1 June 2024. DE visa-free (000 §2); arrival notice within 3 working days (000 §1); art. 518 for late notice.
        var client = app.Client();
        async Task<(string Url, string Passport)> OpenAsync(string passport, string nationality = "DE")
        {
            var open = await client.PostJsonAsync("/api/cases", new
            {
                person = new { familyName = "Columns", givenNames = "C", nationality, birthDate = "1980-01-01", passportNumber = passport },
                hostPartyId = app.HostA,
            });
            Assert.Equal(HttpStatusCode.Created, open.StatusCode);
            return (open.Headers.Location!.ToString(), passport);
        }
        async Task Post(string url, string what, object body, int version) =>
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{url}/{what}", body, $"\"{version}\"")).StatusCode);
        async Task<JsonElement> Listed(string passport) =>
            Assert.Single((await (await client.GetAsync($"/api/cases?q={passport}")).JsonAsync()).GetProperty("items").EnumerateArray());
        string P(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..10].ToUpperInvariant();

        // In the country, its arrival notice (due 15 May: the arrival day counts, ADR 3) missed by the row's date, a move on 20 May: still
        // the deadline to act on, ahead of the stay's end; with its basis.
        var missed = await OpenAsync(P("MS"));
        await Post(missed.Url, "entries", new { date = "2024-05-13", borderPoint = "ALA" }, 1);
        await Post(missed.Url, "address-changes", new { date = "2024-05-20", address = "Abay 1, Almaty" }, 2);
        var row = await Listed(missed.Passport);
        var view = await (await client.GetAsync(missed.Url)).JsonAsync();
        Assert.Equal(("inCountry", "2024-05-15"), (row.GetProperty("status").GetString(), row.GetProperty("nextDeadline").GetProperty("due").GetString()));
        Assert.Equal(view.GetProperty("basis").GetString(), row.GetProperty("basis").GetString());
        Assert.NotNull(row.GetProperty("basis").GetString());

        // Still in the country on day 40 of a 30-day visit (NL, 000 §2) by the row's date, a move on 10 May: stored as overstaying.
        var over = await OpenAsync(P("OV"), "NL");
        await Post(over.Url, "entries", new { date = "2024-04-01", borderPoint = "ALA" }, 1);
        await Post(over.Url, "notifications", new { date = "2024-04-01", channel = "eQonaq" }, 2);
        await Post(over.Url, "address-changes", new { date = "2024-05-10", address = "Abay 2, Almaty" }, 3);
        Assert.Equal("overstaying", (await Listed(over.Passport)).GetProperty("status").GetString());

        // Left with that notice still missed: after the exit only an open deadline is next, so none.
        var left = await OpenAsync(P("LF"));
        await Post(left.Url, "entries", new { date = "2024-05-06", borderPoint = "ALA" }, 1);
        await Post(left.Url, "exits", new { date = "2024-05-20" }, 2);
        row = await Listed(left.Passport);
        Assert.Equal(("left", JsonValueKind.Null), (row.GetProperty("status").GetString(), row.GetProperty("nextDeadline").ValueKind));

        // Notified late (due 8 May, given 20 May): the host party's art. 518 fine, in MCI and tenge (3,692 a MCI in 2024).
        var late = await OpenAsync(P("LT"));
        await Post(late.Url, "entries", new { date = "2024-05-03", borderPoint = "ALA" }, 1);
        await Post(late.Url, "notifications", new { date = "2024-05-20", channel = "eQonaq" }, 2);
        var fine = (await Listed(late.Passport)).GetProperty("fineExposure");
        Assert.True(fine.GetProperty("mci").GetDecimal() > 0);
        Assert.Equal(fine.GetProperty("mci").GetDecimal() * 3692m, fine.GetProperty("tenge").GetDecimal());

        // Closed: "closed", and nothing next.
        await Post(late.Url, "exits", new { date = "2024-05-25" }, 3);
        await Post(late.Url, "closure", new { date = "2024-05-26" }, 4);
        row = await Listed(late.Passport);
        Assert.Equal(("closed", JsonValueKind.Null), (row.GetProperty("status").GetString(), row.GetProperty("nextDeadline").ValueKind));

        // A visa issued before arrival: a business date but no entry, so not arrived yet, and no basis.
        var waiting = await OpenAsync(P("WT"));
        await Post(waiting.Url, "visas", new { date = "2024-05-22", category = "C3", entries = "multiple", validFrom = "2024-06-10", validTo = "2025-06-09", stayPerEntryDays = 90 }, 1);
        row = await Listed(waiting.Passport);
        Assert.Equal(("notArrived", JsonValueKind.Null), (row.GetProperty("status").GetString(), row.GetProperty("basis").ValueKind));

        // Passports of four characters or fewer are masked whole; longer ones keep two at each end.
        foreach (var (passport, shown) in new[] { ("AB12", "****"), ("AB123", "AB*23") })
        {
            var masked = await OpenAsync(passport);
            Assert.Equal(shown, (await Listed(masked.Passport)).GetProperty("passport").GetString());
        }
    }

    [Fact]
    public async Task Lists_FilterByStatusAndDeadline_SortedByNextDeadline_SearchByPassport()
    {
        var client = app.Client("complianceB");
        var passports = new List<string>();
        foreach (var (entry, i) in new[] { "2024-05-27", "2024-05-20", "2024-05-30" }.Select((e, i) => (e, i)))
        {
            var passport = $"L{i}{Guid.NewGuid():N}"[..10].ToUpperInvariant();
            passports.Add(passport);
            var open = await client.PostJsonAsync("/api/cases", new { person = new { familyName = $"Lister{i}", givenNames = "Q", nationality = "NL", birthDate = "1990-01-01", passportNumber = passport }, hostPartyId = app.HostB });
            await Ok(client.PostJsonAsync($"{open.Headers.Location}/entries", new { date = entry, borderPoint = "ALA" }, "\"1\""));
        }
        var page = await (await client.GetAsync($"/api/cases?hostParty={app.HostB}&status=inCountry&q=Lister")).JsonAsync();
        var dues = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("nextDeadline").GetProperty("due").GetString()).ToList();
        Assert.Equal(dues.Order(StringComparer.Ordinal), dues);
        Assert.Equal(3, dues.Count);
        var soon = await (await client.GetAsync($"/api/cases?hostParty={app.HostB}&q=Lister&deadlineBefore=2024-05-23")).JsonAsync();
        Assert.Equal("Lister1", Assert.Single(soon.GetProperty("items").EnumerateArray()).GetProperty("familyName").GetString());
        // deadlineBefore is inclusive: a deadline on that very day is listed, the day before it is not.
        var due = page.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("familyName").GetString() == "Lister1").GetProperty("nextDeadline").GetProperty("due").GetString()!;
        Assert.Equal("2024-05-22", due); // entered Mon 20 May: 3 working days, 20-22 May (000 §1)
        var onTheDay = await (await client.GetAsync($"/api/cases?hostParty={app.HostB}&q=Lister&deadlineBefore={due}")).JsonAsync();
        Assert.Equal("Lister1", Assert.Single(onTheDay.GetProperty("items").EnumerateArray()).GetProperty("familyName").GetString());
        var dayBefore = await (await client.GetAsync($"/api/cases?hostParty={app.HostB}&q=Lister&deadlineBefore=2024-05-21")).JsonAsync();
        Assert.Empty(dayBefore.GetProperty("items").EnumerateArray());
        var byPassport = await (await client.GetAsync($"/api/cases?q={passports[2]}")).JsonAsync();
        var found = Assert.Single(byPassport.GetProperty("items").EnumerateArray());
        Assert.Equal("Lister2", found.GetProperty("familyName").GetString());
        Assert.DoesNotContain(passports[2], found.GetProperty("passport").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_OverstayingFromTheDayAfterTheLastLawfulDay_NotOnIt()
    {
        // 000 §2 (VF-30-ENTRY): a visit of 30 days, the entry day counted. Today is 1 June 2024 in Almaty (the app's clock): entered on
        // 3 May, today is the last lawful day (in the country); entered on 2 May, yesterday was (overstaying).
        var client = app.Client("complianceB");
        foreach (var (name, entry) in new[] { ("Lastlawful", "2024-05-03"), ("Pastlawful", "2024-05-02") })
        {
            var open = await client.PostJsonAsync("/api/cases", new { person = new { familyName = name, givenNames = "Q", nationality = "NL", birthDate = "1990-01-01",
                passportNumber = $"P{Guid.NewGuid():N}"[..10].ToUpperInvariant() }, hostPartyId = app.HostB });
            await Ok(client.PostJsonAsync($"{open.Headers.Location}/entries", new { date = entry, borderPoint = "ALA" }, "\"1\""));
        }
        async Task<IReadOnlyList<(string? Status, string? Until)>> Listed(string filter) =>
            [.. (await (await client.GetAsync($"/api/cases?hostParty={app.HostB}&{filter}")).JsonAsync()).GetProperty("items").EnumerateArray()
                .Select(i => (i.GetProperty("status").GetString(), i.GetProperty("permittedUntil").GetString()))];
        Assert.Equal([("inCountry", "2024-06-01")], await Listed("q=Lastlawful"));
        Assert.Equal([("overstaying", "2024-05-31")], await Listed("q=Pastlawful"));
        Assert.Equal([("overstaying", "2024-05-31")], await Listed("q=Pastlawful&status=overstaying"));
        Assert.Empty(await Listed("q=Lastlawful&status=overstaying"));
        Assert.Empty(await Listed("q=Pastlawful&status=inCountry"));
    }

    [Fact]
    public async Task Lists_CasesWithoutADeadlineComeLast_EvenWhenAPageCutsThemOff()
    {
        var client = app.Client("complianceB");
        var ids = new List<string>();
        // Three without a deadline (not arrived), more than a page and the one row the list reads beyond it.
        foreach (var entry in new[] { null, null, null, "2024-05-27", "2024-05-20" })
        {
            var open = await client.PostJsonAsync("/api/cases", new { person = new { familyName = "Sorter", givenNames = "Q", nationality = "NL", birthDate = "1990-01-01",
                passportNumber = $"S{Guid.NewGuid():N}"[..10].ToUpperInvariant() }, hostPartyId = app.HostB });
            ids.Add(open.Headers.Location!.ToString().Split('/')[^1]);
            if (entry is not null) await Ok(client.PostJsonAsync($"{open.Headers.Location}/entries", new { date = entry, borderPoint = "ALA" }, "\"1\""));
        }
        var first = await (await client.GetAsync($"/api/cases?hostParty={app.HostB}&q=Sorter&limit=2")).JsonAsync();
        Assert.Equal([ids[4], ids[3]], first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        var rest = await (await client.GetAsync($"/api/cases?hostParty={app.HostB}&q=Sorter&limit=5&after={first.GetProperty("next").GetString()}")).JsonAsync();
        Assert.Equal(ids[..3].Order(StringComparer.Ordinal), rest.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task Import_PerRowReport_RejectedRowsLeaveNothing_ReimportSkips()
    {
        var csv = """
            familyName,givenNames,nationality,birthDate,passportNumber,passportExpiry,stays,visas,notified
            Imported,One,DE,1980-01-01,IMP000001,,2024-01-10/2024-01-20;2024-05-01/,,2024-01-11;2024-05-02
            Imported,Two,JO,1981-02-02,IMP000002,2030-01-01,2024-02-01/,C3:multiple:2024-01-15:2024-12-31,2024-02-02
            Broken,Three,DE,1982-03-03,IMP000003,,2024-03-10/2024-03-01,,
            Broken,Four,XX,1982-03-03,IMP000004,,,,
            """;
        var client = app.Client();
        async Task<JsonElement> Import()
        {
            var response = await client.PostAsync($"/api/imports?hostParty={app.HostA}", new StringContent(csv, Encoding.UTF8, "text/csv"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.JsonAsync();
        }
        var report = await Import();
        Assert.Equal((2, 0, 2), (report.GetProperty("created").GetInt32(), report.GetProperty("skipped").GetInt32(), report.GetProperty("rejected").GetInt32()));
        var rows = report.GetProperty("rows");
        Assert.Contains("stay.exit-before-entry", rows[2].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("person.unknown-nationality", rows[3].GetProperty("reason").GetString(), StringComparison.Ordinal);
        var imported = await (await client.GetAsync($"/api/cases/{rows[1].GetProperty("caseId").GetString()}")).JsonAsync();
        Assert.Equal(("visa", "2024-12-31"), (imported.GetProperty("basis").GetString(), imported.GetProperty("permittedUntil").GetString()));
        Assert.Equal(0, (await (await client.GetAsync("/api/cases?q=IMP000003")).JsonAsync()).GetProperty("items").GetArrayLength());

        var again = await Import();
        Assert.Equal((0, 2, 2), (again.GetProperty("created").GetInt32(), again.GetProperty("skipped").GetInt32(), again.GetProperty("rejected").GetInt32()));
        var wrongType = await client.PostAsync($"/api/imports?hostParty={app.HostA}", new StringContent(csv, Encoding.UTF8, "text/plain"));
        Assert.Equal("urn:caseflow:unsupported-media-type", await wrongType.TypeAsync());
    }

    [Fact]
    public async Task HostParties_AdminCreates_ComplianceSeesOnlyItsOwn()
    {
        var admin = app.Client("admin");
        var bin = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var created = await admin.PostJsonAsync("/api/host-parties", new { name = "New Host", bin, size = "medium" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("urn:caseflow:host-party.duplicate-bin", await (await admin.PostJsonAsync("/api/host-parties", new { name = "Again", bin, size = "small" })).TypeAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostJsonAsync("/api/host-parties", new { name = "Bad", bin = "12", size = "small" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client().PostJsonAsync("/api/host-parties", new { name = "Nope", bin, size = "small" })).StatusCode);
        // The admin's list is by name, whenever each was created.
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync("/api/host-parties", new { name = "AAAA First By Name", bin = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture), size = "small" })).StatusCode);
        Assert.Equal("AAAA First By Name", (await (await admin.GetAsync("/api/host-parties")).JsonAsync())[0].GetProperty("name").GetString());
        var mine = await (await app.Client().GetAsync("/api/host-parties")).JsonAsync();
        Assert.Equal(app.HostA.ToString(), Assert.Single(mine.EnumerateArray()).GetProperty("id").GetString());
    }
}
