using System.ComponentModel.DataAnnotations;

namespace CaseFlow.Api.Infrastructure;

/// <summary>Typed configuration, validated at start. The connection string comes from <c>CASEFLOW_DB</c> or <c>CaseFlow:ConnectionString</c>; never from code.</summary>
public sealed class CaseFlowOptions
{
    [Required(ErrorMessage = "Set CASEFLOW_DB (or CaseFlow:ConnectionString) to a PostgreSQL connection string")]
    public string ConnectionString { get; set; } = "";

    /// <summary>Load the demo data set on start when the store is empty (ops/run sets it).</summary>
    public bool LoadDemoData { get; set; }
}
