using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;

namespace CaseFlow.Api.Console;

/// <summary>A form field for one member of a request record: its JSON name, the input it needs and whether it is required.</summary>
public sealed record FormField(string Name, string Input, bool Required, IReadOnlyList<string> Choices);

/// <summary>
/// The console's forms for case commands, made from the API's own request records (the constructor's parameters): a date input for a
/// date, a list for an enum, a checkbox for a flag. A posted form becomes the JSON body the API would have received, so the same strict
/// reading and bounds apply.
/// </summary>
public static class CommandForms
{
    private static readonly NullabilityInfoContext Nullability = new();

    public static IReadOnlyList<FormField> Fields(Type request) =>
        [.. request.GetConstructors().Single().GetParameters().Select(p =>
        {
            var type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
            var optional = p.HasDefaultValue || Nullable.GetUnderlyingType(p.ParameterType) is not null || Nullability.Create(p).WriteState == NullabilityState.Nullable;
            var input = type == typeof(LocalDate) ? "date" : type == typeof(bool) ? "checkbox" : type == typeof(int) ? "number" : type.IsEnum ? "select" : "text";
            return new FormField(JsonNamingPolicy.CamelCase.ConvertName(p.Name!), input, !optional && type != typeof(bool),
                type.IsEnum ? [.. Enum.GetNames(type).Select(JsonNamingPolicy.CamelCase.ConvertName)] : []);
        })];

    /// <summary>The JSON body of a posted form: empty optional fields left out, flags true when checked, numbers as numbers when they are.</summary>
    public static string Body(Type request, IFormCollection form) => Object(request, form).ToJsonString();

    /// <summary>The JSON object of a posted form's fields for <paramref name="request"/> (a nested request is one object of a larger body).</summary>
    public static JsonObject Object(Type request, IFormCollection form)
    {
        var body = new JsonObject();
        foreach (var field in Fields(request))
        {
            var value = form[field.Name].ToString();
            if (field.Input == "checkbox") body[field.Name] = value is "on" or "true";
            else if (value.Length == 0 && !field.Required) continue;
            else if (field.Input == "number" && int.TryParse(value, out var number)) body[field.Name] = number;
            else body[field.Name] = value;
        }
        return body;
    }
}
