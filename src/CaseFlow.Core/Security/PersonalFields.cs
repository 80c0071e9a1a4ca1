using System.Text.Json.Nodes;

namespace CaseFlow.Core.Security;

/// <summary>
/// Which fields of which stored case events are personal data: names, passport number and expiry, birth date, address, and free-text
/// reasons (they may name people). Stored sealed under the case's data key; once it is destroyed they read as erased (texts as
/// <see cref="Domain.Cases.Person.ErasedMark"/>, dates as null). <c>PersonalFieldsTests</c> fails when an event gains a text field
/// that is neither listed here nor declared not personal.
/// </summary>
public static class PersonalFields
{
    public sealed record Field(string Path, bool IsDate)
    {
        public JsonNode? Erased => IsDate ? null : JsonValue.Create(Domain.Cases.Person.ErasedMark);

        /// <summary>The object holding the field and its name in it, or null when the path is absent.</summary>
        public (JsonObject Parent, string Name)? Locate(JsonObject root)
        {
            var at = root;
            var parts = Path.Split('.');
            foreach (var part in parts[..^1])
                if (at[part] is JsonObject inner) at = inner;
                else return null;
            return (at, parts[^1]);
        }
    }

    private static Field Text(string path) => new(path, false);
    private static Field Date(string path) => new(path, true);

    public static IReadOnlyDictionary<string, Field[]> ByType { get; } = new Dictionary<string, Field[]>(StringComparer.Ordinal)
    {
        ["CaseOpened.v1"] = [Text("person.familyName"), Text("person.givenNames"), Date("person.birthDate"), Text("person.passportNumber"), Date("person.passportExpiry")],
        ["AddressChanged.v1"] = [Text("address")],
        ["PassportReplaced.v1"] = [Text("passportNumber"), Date("passportExpiry")],
        ["CaseClosed.v1"] = [Text("reason")],
        ["AlertResolved.v1"] = [Text("reason")],
    };

    public static Field[] Of(string type) => ByType.TryGetValue(type, out var fields) ? fields : [];
}
