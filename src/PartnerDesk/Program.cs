using Microsoft.FluentUI.AspNetCore.Components;
using PartnerDesk.Components;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Mail;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Workspace;
using PartnerDesk.Platform;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

var builder = WebApplication.CreateBuilder(args);
var options = builder.Configuration.GetSection(PartnerDeskOptions.Section).Get<PartnerDeskOptions>() ?? new();
builder.Services.Configure<PartnerDeskOptions>(builder.Configuration.GetSection(PartnerDeskOptions.Section));
builder.Services.AddPartnerDeskData(builder.Configuration);
builder.Services.AddPartnerDeskAuth(builder.Configuration);
builder.Services.AddPartnerDeskApi();
builder.Services.AddPartnerDeskUi();
builder.Services.AddFluentUIComponents();
builder.Services.AddPartnerDeskObservability(builder.Configuration);
await builder.AddPartnerDeskServiceHealth(options.DemoMode ?? builder.Environment.IsDevelopment());
builder.Services.AddPartnerDeskEscalations(builder.Configuration);
builder.Services.AddPartnerDeskPlans(builder.Configuration);
builder.Services.AddPartnerDeskMail(builder.Configuration);
builder.Services.AddPartnerDeskOrganisations(builder.Configuration);
builder.Services.AddPartnerDeskWorkspace(builder.Configuration);
builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [DatabaseHealthCheck.Tag]);

var app = builder.Build();
await app.PrepareDatabase();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseApiBodyLimit(options);
app.UsePartnerDeskCultures();
app.UseRateLimiter();
app.UseAuthentication();
app.UseCaller();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets().AllowAnonymous();
app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains(DatabaseHealthCheck.Tag) }).AllowAnonymous();
app.MapPartnerDeskApi(options);
app.MapPartnerDeskUi();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
