using CaseFlow.Core.Imports;

namespace CaseFlow.Api.Console;

/// <summary>
/// A CSV file the console streams page by page (the caseload, the alerts): a named attachment, UTF-8 with a byte-order mark so a
/// spreadsheet reads Cyrillic and accents right, fields through <see cref="Csv.Field"/> (no formula runs when it is opened).
/// </summary>
public sealed class CsvDownload
{
    private readonly HttpResponse response;

    private CsvDownload(HttpResponse response) => this.response = response;

    public static async Task<CsvDownload> StartAsync(HttpResponse response, string fileName, IEnumerable<string> header, CancellationToken ct)
    {
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        var download = new CsvDownload(response);
        await response.WriteAsync("\uFEFF" + Csv.Line(header), ct);
        return download;
    }

    /// <summary>A date cell: ISO <c>yyyy-MM-dd</c>, empty when there is none.</summary>
    public static string? Date(NodaTime.LocalDate? date) => date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A number cell: invariant digits, empty when there is none.</summary>
    public static string? Number<T>(T? value) where T : struct, IFormattable => value?.ToString(null, System.Globalization.CultureInfo.InvariantCulture);

    public Task WriteAsync(IEnumerable<IEnumerable<string?>> lines, CancellationToken ct) =>
        response.WriteAsync(string.Concat(lines.Select(Csv.Line)), ct);
}
