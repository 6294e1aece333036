using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.AgentConsole;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Knowledge;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Features.People;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Platform.Ui;
using PartnerDesk.Tests.Infrastructure;
using WebhookList = PartnerDesk.Features.Webhooks.Webhooks;

namespace PartnerDesk.Tests.Ui;

/// <summary>The console's lists (decisions 8x): whitelisted sorts, pages that neither skip nor repeat, on the suite's database.</summary>
public sealed class ConsoleListTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void A_page_gives_an_unknown_sort_the_default_order_and_the_api_names_the_field()
    {
        var sorts = CustomerEndpoints.Sorts;
        Assert.Equal(new ListOrder("domain", true), sorts.Read("domain", "desc"));
        Assert.Equal(new ListOrder("domain", false), sorts.Read("domain", "sideways"));
        Assert.Equal(sorts.Default, sorts.Read("Name; DROP TABLE customers", "desc"));
        Assert.Equal(sorts.Default, sorts.Read(null, null));

        var errors = new FieldErrors();
        sorts.Read("password", "desc", errors);
        Assert.True(errors.Has("sort"));
        Assert.False(errors.Has("dir"));
        errors = new FieldErrors();
        sorts.Read("name", "up", errors);
        Assert.True(errors.Has("dir"));
        Assert.False(errors.Has("sort"));
        errors = new FieldErrors();
        Assert.Equal(new ListOrder("tenant", false), sorts.Read("tenant", "asc", errors));
        Assert.False(errors.Any);
    }

    [Fact]
    public void A_flashed_toast_reads_back_and_a_forged_one_is_none()
    {
        Assert.Equal((ToastKind.Error, "Not sent | twice"), Toasts.Read(Toasts.Write(ToastKind.Error, "Not sent | twice")));
        Assert.Null(Toasts.Read("Shout|hello"));
        Assert.Null(Toasts.Read("99|hello"));
        Assert.Null(Toasts.Read("Success|"));
        Assert.Null(Toasts.Read(null));
        Assert.Equal(300, Toasts.Read(Toasts.Write(ToastKind.Success, new string('x', 1000)))!.Value.Text.Length);
    }

    [Fact]
    public async Task The_customers_api_sorts_by_a_whitelisted_column_and_names_a_bad_one()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var byDomain = await (await admin.GetAsync("/api/v1/customers?sort=domain&dir=desc", Ct)).Read<Page<CustomerView>>();
        Assert.True(byDomain.Items.Count >= 2, "the demo world has customers");
        var expected = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Customers.Where(c => byDomain.Items.Select(i => i.Id).Contains(c.Id))
            .OrderByDescending(c => c.DefaultDomain).ThenBy(c => c.Id).Select(c => c.Id).ToListAsync(Ct));
        Assert.Equal(expected, byDomain.Items.Select(c => c.Id).ToList());
        Assert.NotEqual(expected, (await (await admin.GetAsync("/api/v1/customers?sort=domain&dir=asc", Ct)).Read<Page<CustomerView>>()).Items.Select(c => c.Id).ToList());

        await (await admin.GetAsync("/api/v1/customers?sort=passwordHash", Ct)).ProblemNaming("sort");
        await (await admin.GetAsync("/api/v1/customers?sort=name&dir=sideways", Ct)).ProblemNaming("dir");
    }

    [Fact]
    public async Task Pages_of_a_sorted_list_neither_skip_nor_repeat_a_row()
    {
        await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var now = DateTimeOffset.UtcNow;
            // Equal names on purpose: only the tie-break on the id keeps their order from one page to the next.
            for (var i = 0; i < 57; i++)
            {
                db.Customers.Add(new Customer
                {
                    OrganisationId = DemoWorld.Ids.Contoso,
                    Name = $"Paging {i % 7}",
                    DefaultDomain = $"paging{i}.example",
                    TenantId = Guid.NewGuid(),
                    CreatedAt = now,
                });
            }

            return await db.SaveChangesAsync(Ct);
        });

        foreach (var order in new[] { new ListOrder("name", false), new ListOrder("name", true), new ListOrder("domain", true), new ListOrder("tenant", false) })
        {
            var all = await App.InDatabase(DemoWorld.Ids.Contoso, db => CustomerEndpoints.Sorts.Apply(db.Customers.AsNoTracking(), order).Select(c => c.Id).ToListAsync(Ct));
            Assert.True(all.Count > ListPage<CustomerView>.Size, "more than one page");
            var read = new List<Guid>();
            for (var number = 1; ; number++)
            {
                var page = await App.InDatabase(DemoWorld.Ids.Contoso, db => CustomerEndpoints.Page(db, order, number, Ct));
                Assert.True(page.Items.Count <= ListPage<CustomerView>.Size);
                read.AddRange(page.Items.Select(c => c.Id));
                if (!page.HasMore)
                {
                    break;
                }
            }

            Assert.Equal(all, read);
        }

        // Below the first page is the first page.
        var first = await App.InDatabase(DemoWorld.Ids.Contoso, db => CustomerEndpoints.Page(db, CustomerEndpoints.Sorts.Default, -3, Ct));
        Assert.Equal(1, first.Number);
    }

    [Fact]
    public async Task Every_whitelisted_sort_of_every_console_list_runs_on_the_database()
    {
        // Each order is translated to SQL by this database's provider: one that cannot be would throw here.
        var id = DemoWorld.Ids.Contoso;
        foreach (var descending in new[] { false, true })
        {
            foreach (var column in EscalationList.Sorts.Columns)
            {
                await App.InDatabase(id, db => EscalationList.Page(db, new(column, descending), 1, Ct));
            }

            foreach (var column in KnowledgeBase.Sorts.Columns)
            {
                await App.InDatabase(id, db => KnowledgeBase.Browse(db, new(column, descending), 1, Ct));
            }

            foreach (var column in WebhookList.Sorts.Columns)
            {
                await App.InDatabase(id, db => WebhookList.List(db, new(column, descending), Ct));
            }

            foreach (var column in CannedReplies.Sorts.Columns)
            {
                await App.InDatabase(id, db => CannedReplies.List(db, new(column, descending), Ct));
            }

            foreach (var column in Staff.Sorts.Columns)
            {
                var agents = await App.InDatabase(id, db => Staff.List(db, new(column, descending), Ct));
                Assert.NotEmpty(agents);
            }

            foreach (var column in ServiceHealthQueries.IssueSorts.Columns)
            {
                await App.InDatabase(id, db => ServiceHealthQueries.IssuePage(db, new(column, descending), 1, Ct));
            }

            foreach (var column in PlanEndpoints.ContractSorts.Columns)
            {
                await App.InDatabase(id, db => PlanEndpoints.ContractPage(db, new(column, descending), 1, Ct));
            }
        }

        // The people list by name, both ways: the database sorts it.
        var up = await App.InDatabase(id, db => Staff.List(db, new("name", false), Ct));
        var down = await App.InDatabase(id, db => Staff.List(db, new("name", true), Ct));
        Assert.True(up.Count > 1);
        Assert.Equal(up.Select(a => a.Id).Reverse(), down.Select(a => a.Id));
    }

    [Fact]
    public async Task Column_choices_are_kept_per_list_and_agent()
    {
        // One agent, two lists: the unique key is (organisation, agent, list), no longer (organisation, agent). Read
        // past the filters: the system is not the agent, whose rows they are.
        var agentId = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Agents.Where(a => a.Email == Demo.ContosoHelpdesk).Select(a => a.Id).FirstAsync(Ct));

        await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            db.QueueColumnChoices.Add(new QueueColumnChoice { OrganisationId = DemoWorld.Ids.Contoso, AgentId = agentId, Columns = "number,title,sla" });
            db.QueueColumnChoices.Add(new QueueColumnChoice { OrganisationId = DemoWorld.Ids.Contoso, AgentId = agentId, List = CustomerColumns.Set.List, Columns = "customer,tenant" });
            return await db.SaveChangesAsync(Ct);
        });

        var stored = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.QueueColumnChoices.IgnoreQueryFilters().Where(c => c.AgentId == agentId).OrderBy(c => c.List).Select(c => c.List + ":" + c.Columns).ToListAsync(Ct));
        Assert.Equal(["customers:customer,tenant", "queue:number,title,sla"], stored);
        Assert.Equal(["customer", "tenant"], CustomerColumns.Set.Normalise("tenant,customer,nonsense".Split(',')));
        Assert.Equal(["customer"], CustomerColumns.Set.Normalise([]));
    }
}
