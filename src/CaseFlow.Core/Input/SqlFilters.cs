using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Input;

/// <summary>
/// The conditions of a list statement, holding only the filters a request asks for, with their values as positional parameters.
/// Pooled connections prepare statements they repeat (ADR 12); a generic plan over <c>$n IS NULL OR ...</c> cannot know which
/// filters are absent and guessed them all selective (the case list sorted every case of the host party per page). Values never
/// enter the text: <see cref="Param"/> hands back a placeholder.
/// </summary>
public sealed class SqlFilters
{
    private readonly List<(object? Value, NpgsqlDbType Type)> values = [];
    private readonly List<string> conditions = [];

    /// <summary>A placeholder (<c>$n</c>) for <paramref name="value"/>.</summary>
    public string Param(object? value, NpgsqlDbType type)
    {
        values.Add((value, type));
        return $"${values.Count}";
    }

    public void Where(string condition) => conditions.Add(condition);

    /// <summary>The conditions, each preceded by AND (empty when none).</summary>
    public string And => string.Concat(conditions.Select(c => " AND " + c));

    /// <summary>The values, in placeholder order, as parameters of <paramref name="parameters"/> (which must hold none yet).</summary>
    public void AddTo(NpgsqlParameterCollection parameters)
    {
        foreach (var (value, type) in values) parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });
    }
}
