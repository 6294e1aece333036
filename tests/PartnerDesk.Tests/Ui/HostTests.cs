using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Ui;

public sealed class HostTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Health_endpoints_answer_without_sign_in()
    {
        using var client = fixture.App.CreateClient();
        Assert.Equal("Healthy", await client.GetStringAsync("/health/live"));
        Assert.Equal("Healthy", await client.GetStringAsync("/health/ready"));
    }

    [Fact]
    public async Task OpenApi_document_lists_the_contract_routes_and_the_bearer_scheme()
    {
        using var client = fixture.App.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/auth/token", "/api/v1/customers", "/api/v1/tickets", "/api/v1/tickets/{id}", "/api/v1/tickets/{id}/messages", "/api/v1/tickets/{id}/history",
                     "/api/v1/agents", "/api/v1/agents/{id}/deactivate", "/api/v1/invitations", "/api/v1/invitations/accept", "/api/v1/customers/{id}/contacts", "/api/v1/contacts/{id}", "/api/v1/customers/{id}/contacts/import" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document.");
        }

        Assert.False(paths.TryGetProperty("/signout", out _));
        Assert.False(paths.TryGetProperty("/signin/microsoft", out _)); // the browser's way, not an API
        var severity = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("Severity");
        Assert.Equal(["A", "B", "C"], severity.GetProperty("enum").EnumerateArray().Select(v => v.GetString()).ToArray());
        Assert.True(document.RootElement.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _));
    }

    [Fact]
    public async Task Api_reference_is_browsable()
    {
        using var client = fixture.App.CreateClient();
        var response = await client.GetAsync("/api/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("PartnerDesk API", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_need_sign_in_and_send_people_to_the_sign_in_form()
    {
        using var client = fixture.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await client.GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location?.PathAndQuery ?? response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_an_otlp_endpoint_the_host_exports_and_keeps_serving()
    {
        await using var app = new PartnerDeskApp(await TestDatabase.CreateAsync(), settings: new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9", // nothing listens: export fails quietly
        });
        using var client = app.CreateClient();
        Assert.Equal("Healthy", await client.GetStringAsync("/health/ready"));
        Assert.NotNull(app.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
    }
}
