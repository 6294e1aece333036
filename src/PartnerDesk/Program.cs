using Microsoft.FluentUI.AspNetCore.Components;
using PartnerDesk;
using PartnerDesk.Components;
using PartnerDesk.Features.Demo;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbound;
using PartnerDesk.Platform.ScaleOut;

var builder = WebApplication.CreateBuilder(args);
var options = builder.Configuration.GetSection(PartnerDeskOptions.Section).Get<PartnerDeskOptions>() ?? new();
builder.Services.Configure<PartnerDeskOptions>(builder.Configuration.GetSection(PartnerDeskOptions.Section));
builder.Services.AddSingleton<SiteAddress>();
builder.Services.AddPartnerDeskData(builder.Configuration);
builder.Services.AddPartnerDeskAuth(builder.Configuration);
builder.Services.AddPartnerDeskApi();
builder.Services.AddPartnerDeskUi();
builder.Services.AddPartnerDeskWebSecurity();
builder.Services.AddFluentUIComponents();
builder.Services.AddPartnerDeskObservability(builder.Configuration);
await builder.AddPartnerDeskMicrosoft(options.DemoMode ?? builder.Environment.IsDevelopment());
builder.Services.AddPartnerDeskOutbound(builder.Configuration, options.DemoMode ?? builder.Environment.IsDevelopment());
builder.Services.AddPartnerDeskFeatures(builder.Configuration);
builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [DatabaseHealthCheck.Tag]);
builder.Services.AddPartnerDeskScaleOut(); // several instances: Redis between them, an orderly stop (docs/deployment.md)

var app = builder.Build();
await app.MigrateDatabase();
await app.FillEmptyDatabase();

app.UseDraining("/health/ready");
app.UsePartnerDeskWebSecurity(options);
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseApiBodyLimit(options);
app.UsePartnerDeskCultures();
app.UseAuthentication();
app.UseApiWritesByBearerOnly();
app.UseCaller();
app.UseRateLimiter(); // after the caller is known: the API's limits count per token and organisation
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets().AllowAnonymous();
app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains(DatabaseHealthCheck.Tag) }).AllowAnonymous();
app.MapPartnerDeskApi(api => api.MapPartnerDeskFeatures());
app.MapPartnerDeskUi();
app.MapPartnerDeskSignIn();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
