using Npgsql;

namespace CaseFlow.EventStore;

/// <summary>Positional parameters ($1, $2, ...) in one call: each value as is, or a parameter given whole (for an explicit type).</summary>
internal static class ParameterValues
{
    public static void AddValues(this NpgsqlParameterCollection parameters, params object[] values)
    {
        foreach (var value in values) parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
    }
}
