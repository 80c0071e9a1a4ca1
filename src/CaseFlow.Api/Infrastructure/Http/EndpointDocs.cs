using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>
/// Each operation's summary and description, from the doc comment of the class that maps it (<c>{OperationId}Endpoint</c>, the file named
/// for the operation): the first sentence is the summary, the whole comment the description. Read once from CaseFlow.Api.xml.
/// </summary>
public static partial class EndpointDocs
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Docs = new(Load);

    /// <summary>The operation's doc text without markup, or null when its class has none.</summary>
    public static string? Of(string? operationId) => operationId is not null && Docs.Value.TryGetValue(operationId, out var text) ? text : null;

    public static string SummaryOf(string text)
    {
        // "<verb> <route>: what it does. More." -> "What it does"
        var afterRoute = Route().Match(text) is { Success: true } m ? text[m.Length..].TrimStart(':', ' ') : text;
        var end = afterRoute.IndexOf(". ", StringComparison.Ordinal);
        var sentence = (end > 0 ? afterRoute[..end] : afterRoute).TrimEnd('.', ' ');
        return sentence.Length == 0 ? text : char.ToUpperInvariant(sentence[0]) + sentence[1..];
    }

    private static IReadOnlyDictionary<string, string> Load()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "CaseFlow.Api.xml");
        if (!File.Exists(file)) return new Dictionary<string, string>();
        var docs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in XDocument.Load(file).Descendants("member"))
        {
            var name = (string?)member.Attribute("name");
            if (name is null || !name.StartsWith("T:", StringComparison.Ordinal) || !name.EndsWith("Endpoint", StringComparison.Ordinal)) continue;
            var summary = member.Element("summary");
            if (summary is null) continue;
            var operation = name[(name.LastIndexOf('.') + 1)..^"Endpoint".Length];
            docs[operation] = Whitespace().Replace(string.Concat(summary.Nodes().Select(Text)), " ").Trim();
        }
        return docs;
    }

    private static string Text(XNode node) => node switch
    {
        XText t => t.Value,
        XElement { Name.LocalName: "see" } e => ((string?)e.Attribute("cref") ?? (string?)e.Attribute("langword") ?? "").Split('.', ':')[^1],
        XElement e => string.Concat(e.Nodes().Select(Text)),
        _ => "",
    };

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^(GET|POST|PUT|DELETE|PATCH) \S+")]
    private static partial Regex Route();
}
