using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaseFlow.Domain.Cases;

/// <summary>A case: one foreigner hosted by one host party. UUIDv7, so ids sort by creation time.</summary>
[JsonConverter(typeof(CaseIdJsonConverter))]
public readonly record struct CaseId(Guid Value)
{
    public static CaseId New() => new(Guid.CreateVersion7());
    public override string ToString() => Value.ToString();
}

/// <summary>A host party (employer, university, consultancy): the tenant a case belongs to.</summary>
[JsonConverter(typeof(HostPartyIdJsonConverter))]
public readonly record struct HostPartyId(Guid Value)
{
    public override string ToString() => Value.ToString();
}

/// <summary>Typed ids are plain UUID strings in JSON.</summary>
public sealed class CaseIdJsonConverter : JsonConverter<CaseId>
{
    public override CaseId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetGuid());
    public override void Write(Utf8JsonWriter writer, CaseId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

public sealed class HostPartyIdJsonConverter : JsonConverter<HostPartyId>
{
    public override HostPartyId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetGuid());
    public override void Write(Utf8JsonWriter writer, HostPartyId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}
