using System.Globalization;

namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>ETag = the case stream's version, as a strong entity tag (<c>"3"</c>).</summary>
public static class ETags
{
    public static void Set(HttpResponse response, long version) => response.Headers.ETag = Format(version);

    public static string Format(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// The version in If-Match; null when the header is absent (428), -1 when it is not a strong tag of a version we issued (412).
    /// If-Match compares strongly (RFC 9110 §13.1.1): a weak tag (<c>W/"3"</c>) never matches, nor does a list or <c>*</c>.
    /// </summary>
    public static long? IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header)) return null;
        var tag = header.Trim();
        if (tag.Length < 3 || tag[0] != '"' || tag[^1] != '"') return -1;
        return long.TryParse(tag.AsSpan(1, tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : -1;
    }
}
