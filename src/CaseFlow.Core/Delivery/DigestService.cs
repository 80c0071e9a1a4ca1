using System.Globalization;
using System.Text;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Cases;
using CaseFlow.Domain.Calendar;
using NodaTime;
using Npgsql;

namespace CaseFlow.Core.Delivery;

/// <summary>
/// The daily digest (08:00 Asia/Almaty): for each digest subscription, one delivery listing the host party's open alerts. Its id is
/// derived from subscription and date, so a second firing the same day (another node, a misfire re-run) adds nothing. The stored
/// payload names no one: each person is a placeholder the dispatcher fills in when it sends (<see cref="DigestNames"/>).
/// </summary>
public sealed class DigestService(NpgsqlDataSource db, IClock clock, CaseFlow.Core.Security.DataKeys keys)
{
    public async Task<int> EnqueueAsync(CancellationToken ct)
    {
        var today = LegalTime.Today(clock);
        var enqueued = 0;
        foreach (var subscription in await Outbox.SubscriptionsAsync(db, null, "digest", ct))
        {
            var alerts = await AlertProjection.OpenAsync(db, subscription.HostPartyId, ct);
            var body = new StringBuilder($"CaseFlow digest for {today:yyyy-MM-dd} (Asia/Almaty): open alerts\n\n");
            foreach (var a in alerts)
                body.Append(CultureInfo.InvariantCulture, $"- {DigestNames.Placeholder(a.CaseId)}: {a.Kind} ({a.Level}), due {a.Due:yyyy-MM-dd}: {a.Message}\n");
            if (alerts.Count == 0) body.Append("No open alerts.\n");
            enqueued += await Outbox.EnqueueDigestAsync(db, keys.Ring, subscription, today, body.ToString(), ct);
        }
        return enqueued;
    }
}
