using CaseFlow.EventStore.Projections;

namespace CaseFlow.EventStore.Tests;

/// <summary>
/// The projection runner at an edge ops read what it records of (docs/architecture.md, "Projections"): a poison event first in its
/// batch, and how many times a failing batch is tried before it is taken apart. In a database of its own: the poison event must be the
/// log's first, and other classes' projections would skip it.
/// </summary>
public class RunnerEdgeTests(EventStoreFixture fixture) : ProjectionTestBase(fixture), IClassFixture<EventStoreFixture>
{
    [Fact]
    public async Task APausingProjection_PoisonedByTheFirstEventOfItsBatch_StopsThereAndNamesThatEvent()
    {
        // The log's first event is the poison: the batch's first event, with nothing before it to apply.
        await Fx.Store.AppendAsync(Guid.CreateVersion7(), "probe", "t", 0, [new NewEvent(Guid.CreateVersion7(), "Poison.v1", "{}")], Meta);
        await WriteAsync(2, 2);
        await LogShowsEverythingAsync();
        var projection = await Counting("p_first", PoisonPolicy.Pause);
        await ProjectionRunner.EnsureAsync(Fx.DataSource, projection, CancellationToken.None);
        var sizes = new List<int>();
        projection.OnBatchSize = sizes.Add;
        var runner = new ProjectionRunner(Fx.Store, projection, Fast with { MaxAttempts = 3 }, "node-a");

        var (consumed, position) = await runner.StepAsync(GlobalPosition.Start, shadow: false, CancellationToken.None);

        Assert.Equal((0, GlobalPosition.Start), (consumed, position)); // nothing consumed: the checkpoint stays before the poison
        Assert.Equal([5, 5, 5, 1], sizes); // the whole batch three times (MaxAttempts), then event by event until the poison
        Assert.Equal("failed", await Scalar<string>("SELECT state FROM projections WHERE name = 'p_first'"));
        Assert.Contains("Poison.v1", await Scalar<string>("SELECT last_error FROM projections WHERE name = 'p_first'"), StringComparison.Ordinal);
        Assert.Equal(0L, await Sum("p_first"));
    }
}
