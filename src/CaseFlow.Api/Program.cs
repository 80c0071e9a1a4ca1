using CaseFlow.Api.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddCaseFlow();

var app = builder.Build();
app.MapCaseFlow();
app.Run();

/// <summary>The API host; public so tests can start it with WebApplicationFactory.</summary>
public partial class Program;
