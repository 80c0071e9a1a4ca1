using System.Collections;
using System.Reflection;
using NodaTime;

namespace CaseFlow.Core.Input;

/// <summary>
/// The bounds every request field is held to (docs/api/README.md, "Input bounds"), checked on the whole request at once so a
/// client sees every problem in one answer. Strings: trimmed length at most the field's maximum, no control characters (NUL,
/// C0 and C1), no unpaired UTF-16 surrogates. Dates: <see cref="MinDate"/> to <see cref="MaxDate"/> inclusive.
/// Passport numbers: letters and digits only. Messages never echo a rejected value whole.
/// </summary>
public static class InputRules
{
    /// <summary>The earliest business date CaseFlow accepts (inclusive); the rules engine's own bound.</summary>
    public static readonly LocalDate MinDate = CaseFlow.Domain.Rules.CaseFactsReader.MinDate;

    /// <summary>The latest business date CaseFlow accepts (inclusive).</summary>
    public static readonly LocalDate MaxDate = CaseFlow.Domain.Rules.CaseFactsReader.MaxDate;

    /// <summary>Maximum length of a string field, by JSON member name; any other string field: <see cref="DefaultMaxLength"/>.</summary>
    public static IReadOnlyDictionary<string, int> MaxLength { get; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["familyName"] = 100, ["givenNames"] = 100, ["nationality"] = 2, ["passportNumber"] = 20, ["borderPoint"] = 100, ["reference"] = 100,
        ["address"] = 300, ["reason"] = 500, ["category"] = 10, ["secret"] = 200, ["target"] = 2000, ["name"] = 200, ["bin"] = 12,
        ["channel"] = 20, ["mode"] = 20, ["size"] = 20,
    };

    public const int DefaultMaxLength = 200;

    /// <summary>Every problem of <paramref name="value"/> (a request record), by JSON path; empty when it is valid.</summary>
    public static Dictionary<string, string[]> Check(object value)
    {
        var errors = new Dictionary<string, string[]>();
        Walk(value, "", errors, 0);
        return errors;
    }

    /// <summary>The problem of one string field, or null. Also used for CSV cells and query values.</summary>
    public static string? StringProblem(string name, string? text)
    {
        if (text is null) return null;
        var max = MaxLength.TryGetValue(name, out var m) ? m : DefaultMaxLength;
        if (text.Trim().Length > max) return $"at most {max} characters";
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && (i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))) return "contains an unpaired surrogate (not valid Unicode text)";
            if (char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(text[i - 1]))) return "contains an unpaired surrogate (not valid Unicode text)";
            if (char.IsControl(c)) return $"contains a control character (U+{(int)c:X4} at position {i + 1})";
        }
        if (name.Equals("passportNumber", StringComparison.OrdinalIgnoreCase) && text.Trim().Any(ch => !char.IsAsciiLetterOrDigit(ch)))
            return "letters A-Z and digits only";
        return null;
    }

    public static string? DateProblem(LocalDate date) =>
        date < MinDate || date > MaxDate ? $"must be between {MinDate:yyyy-MM-dd} and {MaxDate:yyyy-MM-dd}" : null;

    /// <summary>At most the first 20 characters of a rejected value, for messages.</summary>
    public static string Echo(string? value) => value is null ? "" : value.Length <= 20 ? value : value[..20] + "…";

    private static void Walk(object? value, string path, Dictionary<string, string[]> errors, int depth)
    {
        if (value is null || depth > 8) return;
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0) continue;
            var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            var field = path.Length == 0 ? name : $"{path}.{name}";
            var v = property.GetValue(value);
            switch (v)
            {
                case string s when StringProblem(name, s) is { } problem:
                    errors[field] = [problem];
                    break;
                case LocalDate d when DateProblem(d) is { } problem:
                    errors[field] = [problem];
                    break;
                case string or LocalDate or null:
                    break;
                case IEnumerable items:
                    var i = 0;
                    foreach (var item in items) Walk(item, $"{field}[{i++}]", errors, depth + 1);
                    break;
                default:
                    if (v.GetType().Namespace?.StartsWith("CaseFlow", StringComparison.Ordinal) == true && !v.GetType().IsEnum) Walk(v, field, errors, depth + 1);
                    break;
            }
        }
    }
}
