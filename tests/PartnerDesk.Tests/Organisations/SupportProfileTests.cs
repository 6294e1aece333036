using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Simulator;
using PartnerDesk.Tests.Infrastructure;
using PartnerDesk.Tests.ServiceHealth;

namespace PartnerDesk.Tests.Organisations;

/// <summary>The support profile (R15): kept by the admin, read by contacts, published to Partner Center (the simulator) through the outbox.</summary>
public sealed class SupportProfileTests(SimulatedMicrosoft microsoft) : IClassFixture<SimulatedMicrosoft>
{
    private PartnerDeskApp App => microsoft.App;

    private Task<int> Outbox() => App.Services.GetRequiredService<OutboxDispatcher>().RunOnce(TestContext.Current.CancellationToken);

    [Fact]
    public async Task The_admin_sets_the_profile_contacts_read_it_and_partner_center_gets_it_even_after_an_outage()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        microsoft.Simulator.State.AddFault(new Fault(FaultKind.Unavailable, DemoWorld.Ids.Contoso, Count: 20, RetryAfterSeconds: 0, PathContains: "/v1/profiles"));

        var saved = await (await admin.PutAsJsonAsync("/api/v1/profiles/support", new { email = "help@contoso-cloud.example", telephone = "+49 89 1234 5600", website = "https://contoso-cloud.example/help" }))
            .Read<SupportProfileView>();
        Assert.Null(saved.PublishedAt);
        await Outbox();
        var waiting = await (await admin.GetAsync("/api/v1/profiles/support")).Read<SupportProfileView>();
        Assert.StartsWith("Waiting to publish", waiting.PublishProblem, StringComparison.Ordinal);
        Assert.Null(microsoft.Simulator.PartnerCenter.Profile(DemoWorld.Ids.Contoso).Email);

        microsoft.Simulator.State.ClearFaults();
        App.Clock.Advance(TimeSpan.FromMinutes(30));
        App.ForgetTokens();
        await Outbox();
        admin = await App.ClientFor(Demo.ContosoAdmin);
        var published = await (await admin.GetAsync("/api/v1/profiles/support")).Read<SupportProfileView>();
        Assert.NotNull(published.PublishedAt);
        Assert.Null(published.PublishProblem);
        var atMicrosoft = microsoft.Simulator.PartnerCenter.Profile(DemoWorld.Ids.Contoso);
        Assert.Equal(("help@contoso-cloud.example", "+49 89 1234 5600", "https://contoso-cloud.example/help"), (atMicrosoft.Email, atMicrosoft.Telephone, atMicrosoft.Website));

        // Contacts read their partner's profile, not another's; only admins change it.
        var contact = await (await (await App.ClientFor(Demo.AdatumIt)).GetAsync("/api/v1/profiles/support")).Read<SupportProfileView>();
        Assert.Equal(("Contoso Cloud Services", "help@contoso-cloud.example"), (contact.Organisation, contact.Email));
        var fabrikam = await (await (await App.ClientFor(Demo.WideWorldIt)).GetAsync("/api/v1/profiles/support")).Read<SupportProfileView>();
        Assert.Equal("Fabrikam Solutions", fabrikam.Organisation);
        Assert.NotEqual("help@contoso-cloud.example", fabrikam.Email);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.ContosoHelpdesk)).PutAsJsonAsync("/api/v1/profiles/support", new { email = "x@y.example" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.AdatumIt)).PutAsJsonAsync("/api/v1/profiles/support", new { email = "x@y.example" })).StatusCode);
    }

    [Fact]
    public async Task The_profile_partner_center_has_can_be_taken_over()
    {
        microsoft.Simulator.PartnerCenter.SetProfile(DemoWorld.Ids.Fabrikam, new Simulator.PartnerCenter.SupportProfile { Email = "desk@fabrikam-solutions.example", Website = "https://fabrikam-solutions.example" });
        var admin = await App.ClientFor(Demo.FabrikamAdmin);

        var taken = await (await admin.PostAsync("/api/v1/profiles/support/import", null)).Read<SupportProfileView>();

        Assert.Equal(("desk@fabrikam-solutions.example", (string?)null, "https://fabrikam-solutions.example"), (taken.Email, taken.Telephone, taken.Website));
        Assert.NotNull(taken.PublishedAt);
    }

    [Theory]
    [InlineData("email", """{"email":"support at contoso"}""")]
    [InlineData("email", """{"email":"a@b.example, c@d.example"}""")]
    [InlineData("website", """{"website":"http://contoso-cloud.example"}""")]
    [InlineData("website", """{"website":"javascript:alert(1)"}""")]
    [InlineData("telephone", """{"telephone":"call us"}""")]
    [InlineData("email", """{}""")]
    public async Task A_bad_profile_is_refused_naming_the_field_and_nothing_changes(string field, string json)
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var before = await (await admin.GetAsync("/api/v1/profiles/support")).Read<SupportProfileView>();

        await (await admin.PutAsync("/api/v1/profiles/support", new StringContent(json, System.Text.Encoding.UTF8, "application/json"))).ProblemNaming(field);

        var after = await (await admin.GetAsync("/api/v1/profiles/support")).Read<SupportProfileView>();
        Assert.Equal((before.Email, before.Telephone, before.Website, before.UpdatedAt), (after.Email, after.Telephone, after.Website, after.UpdatedAt));
    }
}
