using System.Globalization;

namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>ETag = the case stream's version, as a strong entity tag (<c>"3"</c>).</summary>
public static class ETags
{
    public static void Set(HttpResponse response, long version) => response.Headers.ETag = Format(version);

    public static string Format(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The version in If-Match; null when the header is absent (428), -1 when it is not a version we issued (412).</summary>
    public static long? IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header)) return null;
        var tag = header.Trim();
        if (tag.StartsWith("W/", StringComparison.Ordinal)) tag = tag[2..];
        tag = tag.Trim('"');
        return long.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;
    }
}
