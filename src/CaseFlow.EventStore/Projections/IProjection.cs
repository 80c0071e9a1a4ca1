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

/// <summary>
/// A projection whose rows for a stream depend on that stream's events alone. A rebuild then reads the log once, stream by stream in
/// one snapshot, and hands it whole streams in large batches (no per-stream reads, one COPY per batch), and follows the log in order
/// only for what was appended after the snapshot (ADR 12).
/// </summary>
public interface IStreamProjection : IProjection
{
    /// <summary>The stream types whose events it reads (streams of other types are not read).</summary>
    IReadOnlyCollection<string> StreamTypes { get; }

    /// <summary>
    /// Writes the rows of these streams (each complete up to the rebuild's snapshot, in version order) into the context's tables,
    /// which hold none of their rows yet. Must write what <see cref="IProjection.ApplyAsync"/> would have written after the same events.
    /// </summary>
    Task ApplyStreamsAsync(ProjectionContext context, IReadOnlyList<IReadOnlyList<RecordedEvent>> streams, CancellationToken ct);
}
