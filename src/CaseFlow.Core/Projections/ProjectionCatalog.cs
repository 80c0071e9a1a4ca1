using CaseFlow.Core.Security;
using CaseFlow.Domain.Alerts;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;

namespace CaseFlow.Core.Projections;

/// <summary>CaseFlow's async projections (each a table made by a numbered migration), as every host runs, lists and rebuilds them.</summary>
public sealed class ProjectionCatalog(PostgresEventStore store, RuleCatalogue catalogue, DataKeys dataKeys, AlertSettings? alertSettings = null)
{
    public IReadOnlyList<IProjection> Projections { get; } =
    [
        new DeadlinesProjection(catalogue, dataKeys, alertSettings ?? AlertSettings.Default), new DashboardProjection(catalogue, dataKeys),
        new OffenceRegisterProjection(catalogue, dataKeys), new TimelineProjection(dataKeys),
    ];

    public IProjection? Find(string name) => Projections.SingleOrDefault(p => p.Name == name);

    /// <summary>Checks each projection's tables exist and gives it its checkpoint row.</summary>
    public async Task EnsureAsync(CancellationToken ct)
    {
        foreach (var projection in Projections) await ProjectionRunner.EnsureAsync(store.DataSource, projection, ct);
    }
}
