using CaseFlow.Core.Projections;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>
/// The auditor's timeline in plain words (<see cref="TimelineProjection.Describe"/>): each kind of event's sentence, word for word, with
/// its dates as yyyy-MM-dd and nothing personal (the rows outlive an erasure). The projection tests check that a line exists; these,
/// what it says.
/// </summary>
public sealed class TimelineWordsTests
{
    private static readonly CaseId Case = new(Guid.Parse("0190a1b2-0000-7000-8000-000000000001"));
    private static readonly HostPartyId Host = new(Guid.Parse("0190a1b2-0000-7000-8000-0000000000b1"));
    private static readonly Guid Alert = Guid.Parse("0190a1b2-0000-7000-8000-0000000000a1");
    private static LocalDate D(int y, int m, int d) => new(y, m, d);

    public static TheoryData<CaseEvent, string> Lines() => new()
    {
        { new CaseOpened(Case, new Person("Müller", "Anna", "DE", D(1980, 1, 1), "P1"), Host, "u"), "Case opened (DE national)" },
        { new Entered(Case, D(2024, 5, 3), "ALA", "u"), "Entered Kazakhstan on 2024-05-03 at ALA" },
        { new Notified(Case, D(2024, 5, 6), NotificationChannel.EQonaq, null, "u"), "Migration service notified on 2024-05-06 via EQonaq" },
        { new Notified(Case, D(2024, 5, 6), NotificationChannel.VmpGovKz, "N-17", "u"), "Migration service notified on 2024-05-06 via VmpGovKz (reference N-17)" },
        { new AddressChanged(Case, D(2024, 6, 1), "Almaty, Abai 1", "u"), "Moved to a new address on 2024-06-01" },
        { new VisaIssued(Case, D(2024, 1, 2), "C3", VisaEntries.Multiple, D(2024, 1, 5), D(2024, 6, 30), null, false, false, Host, "u"),
            "Visa C3 (multiple entry) issued, valid 2024-01-05 to 2024-06-30" },
        { new VisaIssued(Case, D(2024, 1, 2), "B2", VisaEntries.Single, D(2024, 1, 5), D(2024, 3, 31), 30, true, true, Host, "u"),
            "e-Visa B2 (single entry) issued in Kazakhstan, valid 2024-01-05 to 2024-03-31, 30 days per entry" },
        { new VisaExtended(Case, D(2024, 6, 1), D(2024, 6, 30), D(2024, 12, 31), "u"), "Visa extended on 2024-06-01 from 2024-06-30 to 2024-12-31" },
        { new CategoryChanged(Case, D(2024, 3, 1), null, "C12", VisaEntries.Multiple, D(2024, 3, 1), D(2025, 2, 28), null, "M-1", "u"),
            "Visa category changed on 2024-03-01 from visa-free to C12 (M-1), valid 2024-03-01 to 2025-02-28" },
        { new CategoryChanged(Case, D(2024, 3, 1), "B2", "C3", VisaEntries.Multiple, D(2024, 3, 1), D(2025, 2, 28), null, "M-2", "u"),
            "Visa category changed on 2024-03-01 from B2 to C3 (M-2), valid 2024-03-01 to 2025-02-28" },
        { new VisaCancelled(Case, D(2024, 3, 1), "C3", D(2024, 3, 31), "EXIT-VISA", "u"), "Visa C3 cancelled on 2024-03-01; exit visa until 2024-03-31 (EXIT-VISA)" },
        { new ResidencePermitIssued(Case, D(2024, 4, 1), D(2024, 4, 2), D(2025, 4, 1), "u"), "Temporary residence permit issued on 2024-04-01, valid 2024-04-02 to 2025-04-01" },
        { new PassportReplaced(Case, D(2024, 7, 1), "P2", null, false, false, "u"), "Passport replaced on 2024-07-01" },
        { new PassportReplaced(Case, D(2024, 7, 1), "P2", null, true, true, "u"),
            "Passport replaced on 2024-07-01; the e-Visa is no longer valid; the IIN record must be updated" },
        { new Exited(Case, D(2024, 8, 1), "u"), "Left Kazakhstan on 2024-08-01" },
        { new CaseClosed(Case, D(2024, 8, 2), "left the host", "u"), "Case closed on 2024-08-02" },
        { new AlertRaised(Case, Alert, "arrivalNotification", "due", D(2024, 5, 8), D(2024, 5, 8), "Arrival notification due today (NOTIFY-3WD)", "NOTIFY-3WD",
            null, null, null, null, "sweep"), "Alert raised on 2024-05-08: Arrival notification due today (NOTIFY-3WD)" },
        { new AlertAcknowledged(Case, Alert, D(2024, 5, 8), "u"), $"Alert {Alert} acknowledged on 2024-05-08" },
        { new AlertResolved(Case, Alert, D(2024, 5, 9), "cleared", true, "sweep"), $"Alert {Alert} resolved on 2024-05-09 automatically" },
        { new AlertResolved(Case, Alert, D(2024, 5, 9), "filed", false, "u"), $"Alert {Alert} resolved on 2024-05-09" },
        { new PersonalDataErased(Case, Instant.FromUtc(2030, 1, 1, 0, 0), "retention", "u"), "Personal data erased (retention)" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void EachEvent_ReadsAsItsSentence(CaseEvent e, string line) => Assert.Equal(line, TimelineProjection.Describe(e));
}
