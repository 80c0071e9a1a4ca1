using CaseFlow.Domain.Calendar;
using NodaTime;

namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>Who acts (the API key's user), under which correlation id, and today's date in Asia/Almaty (legal dates are Almaty local dates).</summary>
public sealed record RequestContext(string Actor, Guid CorrelationId, LocalDate Today, Instant Now)
{
    public const string CorrelationHeader = "X-Correlation-Id";

    public static RequestContext From(HttpContext http, IClock clock)
    {
        var now = clock.GetCurrentInstant();
        var actor = CaseFlow.Api.Infrastructure.Auth.ApiKeyAuthentication.Principal(http)?.Actor ?? "anonymous";
        var correlation = Guid.TryParse(http.Request.Headers[CorrelationHeader], out var c) ? c : Guid.CreateVersion7();
        http.Response.Headers[CorrelationHeader] = correlation.ToString();
        return new RequestContext(actor, correlation, LegalTime.DateOf(now), now);
    }

    public static LocalDate TodayIn(IClock clock) => LegalTime.Today(clock);
}
