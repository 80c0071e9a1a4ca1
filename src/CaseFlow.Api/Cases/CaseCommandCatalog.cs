using System.Collections.Concurrent;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;

namespace CaseFlow.Api.Cases;

/// <summary>A command a case takes: its route (<c>POST /api/cases/{id}/{Route}</c>), operation id, request type, and how a request becomes the command.</summary>
public sealed record CaseCommandKind(string Route, string Name, Type RequestType, Func<object, CaseId, RequestContext, LoadedCase, CaseCommand> Command);

/// <summary>
/// Every case command the API maps (<see cref="CaseCommandEndpoint.MapCaseCommand{TRequest}"/> registers each), so the console builds its
/// forms from the same request types and turns them into commands the same way: one mapping per command, whoever sends it.
/// </summary>
public static class CaseCommandCatalog
{
    private static readonly ConcurrentDictionary<string, CaseCommandKind> Kinds = new(StringComparer.Ordinal);

    public static void Register(CaseCommandKind kind) => Kinds[kind.Route] = kind;

    public static IReadOnlyList<CaseCommandKind> All => [.. Kinds.Values.OrderBy(k => k.Name, StringComparer.Ordinal)];

    public static CaseCommandKind? Find(string route) => Kinds.GetValueOrDefault(route);
}
