using CaseFlow.Api.Alerts;
using CaseFlow.Api.Audit;
using CaseFlow.Api.Cases;
using CaseFlow.Api.Demo;
using CaseFlow.Api.Health;
using CaseFlow.Api.HostParties;
using CaseFlow.Api.Imports.ImportingCases;
using CaseFlow.Api.Console;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Database;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Api.Jobs;
using CaseFlow.Api.Ops;
using CaseFlow.Api.Projections;
using CaseFlow.Api.Rules;
using CaseFlow.Api.Subscriptions;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Imports;
using CaseFlow.Core.Input;
using CaseFlow.Core.Jobs;
using CaseFlow.Core.Projections;
using CaseFlow.Core.Security;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Alerts;
using CaseFlow.Domain.Json;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Infrastructure;

/// <summary>The composition root: every service CaseFlow's API uses, and every route it serves.</summary>
public static class CaseFlowHost
{
    public static WebApplicationBuilder AddCaseFlow(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CaseFlowOptions>()
            .Bind(builder.Configuration.GetSection("CaseFlow"))
            .PostConfigure(o => o.ConnectionString = builder.Configuration["CASEFLOW_DB"] is { Length: > 0 } env ? env : o.ConnectionString)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The one reference to the system clock; tests replace IClock.
        builder.Services.AddSingleton<IClock>(SystemClock.Instance);
        builder.Services.AddSingleton(_ => RuleCatalogue.Default);
        builder.Services.AddSingleton(sp => CaseFlowDataSource.Create(sp.GetRequiredService<IOptions<CaseFlowOptions>>().Value.ConnectionString));
        builder.Services.AddSingleton(sp => new PostgresEventStore(sp.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton(sp => new LogNotifier(sp.GetRequiredService<NpgsqlDataSource>()));
        // The inline projection of a case's own stream: the status row. Alerts are on streams of their own (AlertRepository).
        builder.Services.AddSingleton(sp =>
        {
            var keys = new KeyOptions();
            builder.Configuration.GetSection("CaseFlow:Keys").Bind(keys);
            return new KeyRing(keys, sp.GetRequiredService<ILoggerFactory>().CreateLogger<KeyRing>());
        });
        builder.Services.AddSingleton<DataKeys>();
        builder.Services.AddSingleton<CaseEraser>();
        builder.Services.AddSingleton<AccessLogWriter>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection("CaseFlow:Seals").Get<SealOptions>() ?? new SealOptions());
        builder.Services.AddSingleton<Seals>();
        builder.Services.AddSingleton<IInlineCaseProjection, CaseStatusProjection>();
        builder.Services.AddSingleton<CaseRepository>();
        builder.Services.AddSingleton<AlertRepository>();
        builder.Services.AddSingleton<CaseViewSnapshots>();
        builder.Services.AddSingleton<CaseReader>();
        builder.Services.AddSingleton<CaseCommands>();
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<HostPartyStore>();
        builder.Services.AddSingleton<CaseImporter>();
        builder.Services.AddSingleton<DatabaseState>();
        builder.Services.AddHostedService<DatabaseStartup>();
        builder.Services.AddOptions<ProjectionSettings>().Bind(builder.Configuration.GetSection("CaseFlow:Projections"));
        builder.Services.AddSingleton(sp => new ProjectionCatalog(sp.GetRequiredService<PostgresEventStore>(), sp.GetRequiredService<RuleCatalogue>(), sp.GetRequiredService<DataKeys>(),
            new AlertSettings(sp.GetRequiredService<IOptions<AlertOptions>>().Value.StayEndingLeadDays)));
        builder.Services.AddHostedService<ProjectionWorker>();

        builder.Services.AddOptions<AlertOptions>().Bind(builder.Configuration.GetSection("CaseFlow:Alerts"));
        builder.Services.AddOptions<DeliveryOptions>().Bind(builder.Configuration.GetSection("CaseFlow:Delivery"));
        builder.Services.AddSingleton<AlertSweeper>();
        builder.Services.AddSingleton<AlertChange>();
        builder.Services.AddSingleton<DeliveryDispatcher>();
        builder.Services.AddSingleton<DigestService>();
        builder.Services.AddOptions<RetentionOptions>().Bind(builder.Configuration.GetSection("CaseFlow:Retention"));
        builder.Services.AddSingleton<RetentionService>();
        builder.Services.AddOptions<SecretOptions>().Bind(builder.Configuration.GetSection("CaseFlow:Secrets"));
        builder.Services.AddSingleton<SecretBox>();
        builder.Services.AddSingleton(sp => new WebhookTargets(sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.AllowedNetworks));
        // No redirects, every connection's address checked (WebhookTargets); Polly times each try, so the client itself never gives up first.
        builder.Services.AddHttpClient("webhooks", c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<WebhookTargets>().Handler());
        var time = new ClockTimeProvider();
        builder.Services.AddSingleton(time);
        var jobs = builder.Configuration.GetSection("CaseFlow:Jobs").Get<JobSettings>() ?? new JobSettings();
        var connectionString = builder.Configuration["CASEFLOW_DB"] is { Length: > 0 } db ? db : builder.Configuration["CaseFlow:ConnectionString"];
        if (jobs.Run && !string.IsNullOrEmpty(connectionString)) builder.Services.AddCaseFlowJobs(connectionString, time,
            builder.Configuration.GetSection("CaseFlow:Seals").Get<SealOptions>()?.IntervalMinutes ?? new SealOptions().IntervalMinutes);

        builder.Services.ConfigureHttpJsonOptions(o => CaseFlowJson.Configure(o.SerializerOptions));
        // Parameters that fail to bind throw, so UnhandledExceptionHandler can name the parameter in CaseFlow's own words.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddOptions<RateLimitSettings>().Bind(builder.Configuration.GetSection("CaseFlow:RateLimits")).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddCaseFlowRateLimits();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<UnhandledExceptionHandler>();
        builder.Services.AddOpenApi(OpenApiContract.Configure);
        builder.Services.AddRazorPages(); // the console (Pages/Console), rendered on the server
        return builder;
    }

    public static WebApplication MapCaseFlow(this WebApplication app)
    {
        app.Services.GetRequiredService<ClockTimeProvider>().Use(app.Services.GetRequiredService<IClock>());
        app.Services.GetRequiredService<LogNotifier>(); // from the start: every append of this process wakes the runners of every node
        app.UseExceptionHandler();
        app.UseStatusCodePages(StatusCodeProblems.WriteAsync);
        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "CaseFlow v1");
            o.RoutePrefix = "docs";
        });
        app.UseApiKeys();
        app.UseConsoleSessions();
        app.UseRateLimiter();
        app.UseRequestBounds();
        app.UseIdempotentPosts();
        app.MapHealth();
        app.MapHostParties();
        app.MapCases();
        app.MapRules();
        app.MapImports();
        app.MapAudit();
        app.MapOps();
        app.MapAlerts();
        app.MapSubscriptions();
        app.MapRazorPages();
        return app;
    }
}
