using Npgsql;

namespace CaseFlow.EventStore.Projections;

/// <summary>What a projection does with an event it cannot process after its retries.</summary>
public enum PoisonPolicy
{
    /// <summary>Record the error, skip the event, go on.</summary>
    Skip,

    /// <summary>Record the error and stop the projection (state failed) until ops resume it.</summary>
    Pause,
}

/// <summary>Where a batch is applied: the live tables, or the shadow tables of a rebuild (<see cref="Table"/> gives the name to use).</summary>
public sealed record ProjectionContext(NpgsqlConnection Connection, NpgsqlTransaction Transaction, bool Shadow)
{
    public const string ShadowSuffix = "__rebuild";

    public string Table(string name) => Shadow ? name + ShadowSuffix : name;
}

/// <summary>
/// An async projection over the global log. It must be deterministic (read only the events and its own tables: never the clock),
/// so that a rebuild from zero produces exactly the rows incremental processing did.
/// </summary>
public interface IProjection
{
    string Name { get; }

    PoisonPolicy Policy { get; }

    /// <summary>The tables the projection owns (live names). A numbered migration creates them; a rebuild's shadows are made from them.</summary>
    IReadOnlyList<string> Tables { get; }

    /// <summary>Applies a batch (in global-log order) inside the runner's transaction; the checkpoint commits with it.</summary>
    Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> batch, CancellationToken ct);
}
