using CaseFlow.Core.Alerts;
using CaseFlow.Core.Cases;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Security;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Projections;

/// <summary>A column of a projection table: its name and PostgreSQL type (rows are written with binary COPY).</summary>
public sealed record Column(string Name, NpgsqlDbType Type);

/// <summary>A table a projection writes (made by a numbered migration) and the columns it writes.</summary>
public sealed record TableShape(string Table, IReadOnlyList<Column> Columns);

/// <summary>A projection that writes tables made by numbered migrations, with these columns; a test holds them to the migrations.</summary>
public interface ITableProjection
{
    IReadOnlyList<TableShape> Shapes { get; }
}

/// <summary>
/// Base of the projections that need a whole case: for each case touched by a batch, its events in the log up to the batch's end are
/// folded and evaluated as of the case's latest business date (never the clock), and the case's rows are replaced. Folding the
/// log's prefix (never what committed later) keeps incremental runs and rebuilds identical. A batch costs four round trips whatever
/// its size: read the streams, the host parties' sizes, delete the cases' rows, COPY the new rows. A rebuild hands it whole streams
/// (<see cref="ApplyStreamsAsync"/>): no stream is read back and no row deleted.
/// </summary>
public abstract class CaseProjection(RuleCatalogue catalogue, DataKeys dataKeys) : IStreamProjection, ITableProjection
{
    public abstract string Name { get; }
    protected RuleCatalogue Catalogue => catalogue;
    public virtual PoisonPolicy Policy => PoisonPolicy.Skip;
    public IReadOnlyList<string> Tables => [.. Shapes.Select(s => s.Table)];
    public IReadOnlyList<TableShape> Shapes => Companion is { } companion ? [new(Table, Columns), companion] : [new(Table, Columns)];
    public abstract string Table { get; }
    public abstract IReadOnlyList<Column> Columns { get; }
    /// <summary>The case's rows, in <see cref="Columns"/> order; the first column is the case id. <paramref name="evaluation"/> is the
    /// case's as of its latest business date (<see cref="Evaluation.AsOf"/>), null when its events carry none.</summary>
    protected abstract IEnumerable<object?[]> Rows(LoadedCase c, Evaluation? evaluation);

    /// <summary>A second table kept per case the same way (the deadlines projection's alert dates); its first column is the case id.</summary>
    protected virtual TableShape? Companion => null;

    /// <summary>The case's rows of <see cref="Companion"/>.</summary>
    protected virtual IEnumerable<object?[]> CompanionRows(LoadedCase c, Evaluation? evaluation, HostPartySizes? sizes) => [];

    public IReadOnlyCollection<string> StreamTypes => [CaseRepository.StreamType];

    private static bool Touches(RecordedEvent e) => CaseRepository.Types.Knows(e.Type) && !AlertRepository.IsAlertEvent(e.Type);

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> batch, CancellationToken ct)
    {
        var touched = batch.Where(Touches).Select(e => e.StreamId).Distinct().ToArray();
        if (touched.Length == 0) return;
        var end = batch[^1].Position;
        var history = await PostgresEventStore.ReadStreamsAsync(context.Connection, context.Transaction, touched, ct);
        var streams = history.Where(e => e.Position.CompareTo(end) <= 0).GroupBy(e => e.StreamId).Select(s => (IReadOnlyList<RecordedEvent>)[.. s]).ToList();
        foreach (var shape in Shapes)
        {
            await using var delete = new NpgsqlCommand($"DELETE FROM {context.Table(shape.Table)} WHERE case_id = ANY($1)", context.Connection, context.Transaction);
            delete.Parameters.Add(new() { Value = touched });
            await delete.ExecuteNonQueryAsync(ct);
        }
        await WriteAsync(context, streams, ct);
    }

    /// <summary>A rebuild's whole streams: the same rows <see cref="ApplyAsync"/> writes, for every stream with an event that touches a case.</summary>
    public Task ApplyStreamsAsync(ProjectionContext context, IReadOnlyList<IReadOnlyList<RecordedEvent>> streams, CancellationToken ct) =>
        WriteAsync(context, [.. streams.Where(s => s.Any(Touches))], ct);

    /// <summary>A batch with at least this many cases is decoded, folded and evaluated on every core (the cases are independent).</summary>
    private const int ParallelFrom = 64;

    private async Task WriteAsync(ProjectionContext context, IReadOnlyList<IReadOnlyList<RecordedEvent>> streams, CancellationToken ct)
    {
        var cases = new LoadedCase[streams.Count];
        // The rules need the birth date (TRP-FAMILY-16): the batch's keys in one round trip; the rows themselves hold nothing personal.
        var keys = await dataKeys.LoadAsync(context.Connection, context.Transaction, [.. streams.Select(s => s[0].StreamId)], ct);
        ForEach(cases.Length, i => cases[i] = LoadedCase.From(streams[i][0].StreamId, streams[i], keys));
        var sizes = await HostPartyStore.SizesAsync(context.Connection, context.Transaction, cases.Select(c => c.HostPartyId), ct);
        var rows = new List<object?[]>[cases.Length];
        var companionRows = new List<object?[]>[cases.Length];
        ForEach(cases.Length, i =>
        {
            var c = cases[i];
            var size = sizes.GetValueOrDefault(c.HostPartyId);
            var evaluation = c.LatestBusinessDate is { } latest ? c.Evaluate(catalogue, size, latest) : null;
            rows[i] = [.. Rows(c, evaluation)];
            companionRows[i] = [.. CompanionRows(c, evaluation, size)];
        });
        await CopyAsync(context, context.Table(Table), Columns, [.. rows.SelectMany(r => r)], ct);
        if (Companion is { } companion) await CopyAsync(context, context.Table(companion.Table), companion.Columns, [.. companionRows.SelectMany(r => r)], ct);
    }

    /// <summary>
    /// <paramref name="body"/> for 0 to <paramref name="count"/> - 1: in order on this thread for a small batch, else on every core. A
    /// failing batch is retried and then isolated down to single events by the runner, which run here in order, so a poison event is
    /// recorded with its own error.
    /// </summary>
    internal static void ForEach(int count, Action<int> body)
    {
        if (count < ParallelFrom)
            for (var i = 0; i < count; i++) body(i);
        else
            Parallel.For(0, count, body);
    }

    public static Task CopyAsync(ProjectionContext context, string table, IReadOnlyList<Column> columns, IReadOnlyList<object?[]> rows, CancellationToken ct) =>
        CopyAsync(context.Connection, table, columns, rows, ct);

    /// <summary>Rows (values in <paramref name="columns"/> order, null for NULL) written to <paramref name="table"/> with one binary COPY.</summary>
    public static async Task CopyAsync(NpgsqlConnection connection, string table, IReadOnlyList<Column> columns, IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await using var copy = await connection.BeginBinaryImportAsync(
            $"COPY {table} ({string.Join(", ", columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(ct);
            for (var i = 0; i < columns.Count; i++)
            {
                if (row[i] is null) await copy.WriteNullAsync(ct);
                else await copy.WriteAsync(row[i], columns[i].Type, ct);
            }
        }
        await copy.CompleteAsync(ct);
    }
}
