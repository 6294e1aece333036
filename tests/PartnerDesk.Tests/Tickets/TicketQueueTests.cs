using System.Net;
using System.Net.Http.Json;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Tickets;

/// <summary>The console queue's query: filters, sorts and pages, on a real database.</summary>
public sealed class TicketQueueTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private Task<QueuePage> Queue(QueueQuery query) => App.InDatabase(DemoWorld.Ids.Contoso, db => TicketQueue.Handle(query, db));

    [Fact]
    public async Task Filters_sorts_and_pages_the_way_the_console_shows_them()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var ids = new List<Guid>();
        foreach (var severity in new[] { "C", "A", "B", "A", "C" })
        {
            var t = await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Litware, title = $"Queue {severity}", description = "d", severity, kind = "Incident", service = "Microsoft Teams" }))
                .Read<TicketDetails>(HttpStatusCode.Created);
            ids.Add(t.Id);
        }

        await admin.PatchAsJsonAsync($"/api/v1/tickets/{ids[0]}", new { status = "Resolved" });
        await admin.PatchAsJsonAsync($"/api/v1/tickets/{ids[1]}", new { assigneeId = DemoWorld.Ids.ContosoHelpdesk });

        var bySeverity = await Queue(new QueueQuery { CustomerId = DemoWorld.Ids.Litware, Service = "Microsoft Teams", Sort = QueueSort.Severity });
        var severities = bySeverity.Items.Select(t => t.Severity).ToList();
        Assert.Equal(severities.Order(), severities);
        Assert.DoesNotContain(bySeverity.Items, t => t.Id == ids[0]); // resolved is not active

        var resolved = await Queue(new QueueQuery { Status = nameof(TicketStatus.Resolved), CustomerId = DemoWorld.Ids.Litware });
        Assert.Contains(resolved.Items, t => t.Id == ids[0]);

        var unassigned = await Queue(new QueueQuery { Assignee = QueueQuery.Unassigned, CustomerId = DemoWorld.Ids.Litware, Service = "Microsoft Teams" });
        Assert.DoesNotContain(unassigned.Items, t => t.Id == ids[1]);
        var mine = await Queue(new QueueQuery { Assignee = DemoWorld.Ids.ContosoHelpdesk.ToString() });
        Assert.Equal([ids[1]], mine.Items.Select(t => t.Id).ToArray());

        var updated = await Queue(new QueueQuery { Sort = QueueSort.RecentlyUpdated, PageSize = 1 });
        Assert.True(updated.HasMore);
        Assert.Single(updated.Items);

        var pageOne = await Queue(new QueueQuery { Service = "Microsoft Teams", PageSize = 2 });
        var pageTwo = await Queue(new QueueQuery { Service = "Microsoft Teams", PageSize = 2, Page = 1 });
        Assert.True(pageOne.HasMore);
        Assert.Empty(pageOne.Items.Select(t => t.Id).Intersect(pageTwo.Items.Select(t => t.Id)));
    }
}
