using System.Text;

namespace CaseFlow.Core.Imports;

/// <summary>A small RFC 4180 reader and writer: comma-separated, double-quoted fields with "" escapes, CRLF or LF line ends.</summary>
public static class Csv
{
    /// <summary>
    /// One field for a file a spreadsheet will open: quoted when it has to be, and a text that begins like a formula (<c>= + - @</c>, tab or
    /// carriage return) led by an apostrophe so the spreadsheet shows it instead of running it (OWASP's CSV injection advice).
    /// </summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>One line of fields (<see cref="Field"/> each), ended by a line feed.</summary>
    public static string Line(params IEnumerable<string?> fields) => string.Join(',', fields.Select(Field)) + "\n";

    public static IEnumerable<string[]> Read(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            any = true;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { field.Append('"'); reader.Read(); }
                    else quoted = false;
                }
                else field.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (ch == '\r') { }
            else if (ch == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                yield return [.. fields];
                fields.Clear();
                any = false;
            }
            else field.Append(ch);
        }
        if (any)
        {
            fields.Add(field.ToString());
            yield return [.. fields];
        }
    }
}
