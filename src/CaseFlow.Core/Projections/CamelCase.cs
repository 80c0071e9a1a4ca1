using System.Collections.Frozen;
using System.Text.Json;

namespace CaseFlow.Core.Projections;

/// <summary>An enum value as its camelCase name (the spelling of the API's JSON and of the projection tables' text columns), each name converted once per type, not once per row.</summary>
public static class CamelCase<T> where T : struct, Enum
{
    private static readonly FrozenDictionary<T, string> Names = Enum.GetValues<T>().Distinct().ToFrozenDictionary(v => v, Convert);

    public static string Of(T value) => Names.TryGetValue(value, out var name) ? name : Convert(value);

    private static string Convert(T value) => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
