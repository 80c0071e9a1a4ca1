using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using NodaTime;

namespace CaseFlow.EventStore;

/// <summary>Who and why, recorded with every event. <see cref="CatalogueVersion"/> is set where a rule produced or judged the event.</summary>
public sealed record EventMetadata(string Actor, Guid CorrelationId, Guid? CausationId = null, string? CatalogueVersion = null);

/// <summary>An event to append: a stable type name (<c>Entered.v1</c>, never a CLR name) and its business data as JSON.</summary>
public sealed record NewEvent(Guid EventId, string Type, string Data);

/// <summary>An event as stored. <see cref="Version"/> is its 1-based position in the stream; <see cref="Sequence"/> its global number
/// (assigned at insert, committed possibly out of order); <see cref="Position"/> its place in the safe global log.</summary>
/// <remarks>
/// Read from the database, its data is kept as the stored UTF-8 text and parsed into <see cref="Data"/> on first use: a fold
/// deserializes its events straight from <see cref="Utf8Data"/> (a rebuild reads a million events; a parsed copy of each was a third of
/// what a read allocated).
/// </remarks>
public sealed record RecordedEvent(
    long Sequence, Guid EventId, Guid StreamId, long Version, string Type, JsonElement Data, EventMetadata Metadata,
    Instant RecordedAt, GlobalPosition Position, byte[] Hash)
{
    /// <summary>The stored text while <see cref="Data"/> has not been parsed from it (null when made from an element).</summary>
    private readonly byte[]? utf8;

    /// <summary>The parsed data (a box: set by one reader thread, seen whole by the others); null until first asked for.</summary>
    private StrongBox<JsonElement>? data = Data.ValueKind == JsonValueKind.Undefined ? null : new(Data);

    /// <summary>An event read from the database: its data as the stored UTF-8 JSON text, parsed when <see cref="Data"/> is first read.</summary>
    internal RecordedEvent(long sequence, Guid eventId, Guid streamId, long version, string type, byte[] utf8Data, EventMetadata metadata,
        Instant recordedAt, GlobalPosition position, byte[] hash) : this(sequence, eventId, streamId, version, type, default(JsonElement), metadata, recordedAt, position, hash) =>
        utf8 = utf8Data;

    /// <summary>The event's business data.</summary>
    public JsonElement Data
    {
        get => (data ??= new(JsonElement.Parse(utf8))).Value;
        init => (data, utf8) = (new(value), null);
    }

    /// <summary>The data's UTF-8 JSON text, without parsing it.</summary>
    public ReadOnlySpan<byte> Utf8Data => data is null && utf8 is not null ? utf8 : JsonMarshal.GetRawUtf8Value(Data);

    /// <summary>The chain format the event was hashed with: 1 before migration 0011, 2 since (ADR 11).</summary>
    public int Chain { get; init; } = 2;
}

/// <summary>A place in the global log, ordered by (transaction id, sequence). <see cref="Start"/> is before every event.</summary>
public readonly record struct GlobalPosition(ulong Transaction, long Sequence) : IComparable<GlobalPosition>
{
    public static GlobalPosition Start => new(0, 0);

    public int CompareTo(GlobalPosition other) =>
        Transaction != other.Transaction ? Transaction.CompareTo(other.Transaction) : Sequence.CompareTo(other.Sequence);

    public override string ToString() => $"{Transaction}:{Sequence}";
}

/// <summary>The stream's version was not the expected one: someone else appended first. Nothing was written.</summary>
public sealed class ConcurrencyException(Guid streamId, long expected, long? actual)
    : Exception($"stream {streamId}: expected version {expected}, found {(actual is null ? "no stream" : actual.ToString())}")
{
    public Guid StreamId { get; } = streamId;
    public long ExpectedVersion { get; } = expected;
    public long? ActualVersion { get; } = actual;
}

/// <summary>The first event whose stored hash does not match the chain, or null when the stream verifies.</summary>
public sealed record VerificationResult(Guid StreamId, long EventsChecked, long? BrokenAtVersion, long? BrokenAtSequence, string? Problem)
{
    public bool Intact => BrokenAtVersion is null && Problem is null;
}
