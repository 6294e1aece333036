using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Features.Webhooks;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Webhooks;

/// <summary>What the webhook step costs a ticket's save when nobody listens: the create path must not pay for integrations it does not have.</summary>
public sealed class WebhookCostTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Without_subscriptions_the_step_allocates_nothing_once_it_knows()
    {
        var app = fixture.App;
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(DemoWorld.Ids.Contoso);
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        db.Add(new Ticket { OrganisationId = DemoWorld.Ids.Contoso, CustomerId = DemoWorld.Ids.Adatum, Title = "Teams calls drop", Description = "After a minute." });
        var step = app.Services.GetRequiredService<WebhookRecorder>();
        var ct = TestContext.Current.CancellationToken;
        await step.Saving(db, ct); // the first save asks the database once; the answer is cached

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            var saving = step.Saving(db, ct);
            Assert.True(saving.IsCompletedSuccessfully);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);

        // Another organisation subscribes: this one's saves now walk the tracked changes (EF's own entries, and the
        // change detection the other steps run anyway), and still write nothing.
        var fabrikam = await app.ClientFor(Demo.FabrikamAdmin);
        var hook = await (await fabrikam.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://203.0.113.9/hook", events = new[] { "ticket.created" } }, ct))
            .Read<NewWebhookView>(System.Net.HttpStatusCode.Created);
        await step.Saving(db, ct);
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            var saving = step.Saving(db, ct);
            Assert.True(saving.IsCompletedSuccessfully);
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            foreach (var entry in db.ChangeTracker.Entries())
            {
                _ = entry.State;
            }
        }

        // The pass itself is what SlaKeeper and TicketFeed pay too (EF's change detection and entries); the step adds little to it.
        var pass = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True((allocated - pass) / 100 < 1024, $"{allocated / 100} bytes a save, of which the pass over the tracked entries {pass / 100}");
        Assert.Empty(db.ChangeTracker.Entries<WebhookDelivery>());
        await fabrikam.DeleteAsync($"/api/v1/webhooks/{hook.Id}", ct);
    }
}
