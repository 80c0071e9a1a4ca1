using NodaTime;

namespace CaseFlow.Api.Jobs;

/// <summary>Quartz's clock is CaseFlow's <see cref="IClock"/> (bound at start), so a test that moves the clock moves the scheduler.</summary>
public sealed class ClockTimeProvider : TimeProvider
{
    private IClock clock = SystemClock.Instance;

    public void Use(IClock appClock) => clock = appClock;

    public override DateTimeOffset GetUtcNow() => clock.GetCurrentInstant().ToDateTimeOffset();
}
