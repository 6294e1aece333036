using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Platform.Api;
using PartnerDesk.Simulator;
using PartnerDesk.Tests.Infrastructure;
using GraphIssue = PartnerDesk.Simulator.Graph.ServiceHealthIssue;

namespace PartnerDesk.Tests.ServiceHealth;

/// <summary>The sync against the simulator over HTTP: shapes, paging, increments, throttling and every kind of bad answer.</summary>
public sealed class ServiceHealthSyncTests(SimulatedMicrosoft microsoft) : IClassFixture<SimulatedMicrosoft>
{
    private PartnerDeskApp App => microsoft.App;
    private SimulatorState Simulator => microsoft.Simulator.State;

    [Fact]
    public async Task An_incident_in_two_tenants_is_stored_once_and_linked_to_both_customers()
    {
        microsoft.Open("EX100001", "Exchange Online", "Users may be unable to access shared mailboxes", "Shared mailboxes may not open.", DemoWorld.Ids.Adatum, DemoWorld.Ids.Litware);

        Assert.True((await microsoft.Sync(DemoWorld.Ids.Adatum)).Succeeded);
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Litware)).Succeeded);

        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var page = await (await admin.GetAsync($"/api/v1/service-health/issues?customerId={DemoWorld.Ids.Litware}")).Read<Page<IssueSummary>>();
        var issue = Assert.Single(page.Items, i => i.MicrosoftId == "EX100001");
        Assert.Equal(2, issue.AffectedCustomers);
        var details = await (await admin.GetAsync($"/api/v1/service-health/issues/{issue.Id}")).Read<IssueDetails>();
        Assert.Equal([DemoWorld.Ids.Adatum, DemoWorld.Ids.Litware], details.AffectedCustomers.Select(c => c.CustomerId).Order());
        Assert.Contains("investigating EX100001", Assert.Single(details.Posts).Text, StringComparison.Ordinal);
        Assert.Equal(1, await App.InDatabase(DemoWorld.Ids.Contoso, db => db.ServiceHealthIssues.CountAsync(i => i.MicrosoftId == "EX100001")));
        var services = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.CustomerServiceStatuses.Where(s => s.CustomerId == DemoWorld.Ids.Adatum).ToListAsync());
        Assert.Equal("serviceDegradation", Assert.Single(services, s => s.Service == "Exchange Online").Status);
        var board = await (await admin.GetAsync("/api/v1/service-health/board")).Read<List<ServiceBoardRow>>();
        var exchange = Assert.Single(board, r => r.Service == "Exchange Online");
        Assert.True(exchange.CustomersAffected >= 2 && exchange.ActiveIssues >= 1 && exchange.Since is not null, exchange.ToString());
    }

    [Fact]
    public async Task Pages_are_followed_and_the_next_read_asks_only_for_what_changed()
    {
        var tailspin = DemoWorld.Ids.Tailspin;
        for (var i = 0; i < 5; i++)
        {
            microsoft.Open($"SP20000{i}", "SharePoint Online", $"Sites may load slowly ({i})", "Sites may load slowly.", tailspin);
        }

        microsoft.Simulator.State.PageSize = 2;
        try
        {
            Assert.True((await microsoft.Sync(tailspin)).Succeeded);
            microsoft.Post("SP200003", "<p>We've found the cause.</p>");
            Assert.True((await microsoft.Sync(tailspin)).Succeeded);
        }
        finally
        {
            microsoft.Simulator.State.PageSize = 100;
        }

        var tenant = microsoft.TenantOf[tailspin];
        var issueReads = Simulator.Queries().Where(q => q.StartsWith($"{tenant} issues", StringComparison.Ordinal)).ToList();
        Assert.Contains(issueReads, q => q.Contains("$skiptoken=2", StringComparison.Ordinal));
        Assert.Contains("lastModifiedDateTime ge", issueReads[^1], StringComparison.Ordinal);
        var posts = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.ServiceHealthPosts.Where(p => db.Set<ServiceHealthIssue>().Any(i => i.Id == p.IssueId && i.MicrosoftId == "SP200003")).CountAsync());
        Assert.Equal(2, posts);
        Assert.Equal(5, await App.InDatabase(DemoWorld.Ids.Contoso, db => db.ServiceHealthIssues.CountAsync(i => i.MicrosoftId.StartsWith("SP20000"))));
    }

    [Fact]
    public async Task A_throttled_read_is_retried_after_the_time_microsoft_asks_for()
    {
        var tenant = microsoft.TenantOf[DemoWorld.Ids.Litware];
        var before = Simulator.Requests().GetValueOrDefault($"{tenant} healthOverviews");
        Simulator.AddFault(new Fault(FaultKind.Throttle, tenant, Count: 2, RetryAfterSeconds: 1, PathContains: "healthOverviews"));

        var result = await microsoft.Sync(DemoWorld.Ids.Litware);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(before + 3, Simulator.Requests()[$"{tenant} healthOverviews"]);
    }

    [Theory]
    [InlineData(FaultKind.Unavailable, "503")]
    [InlineData(FaultKind.Forbidden, "403")]
    [InlineData(FaultKind.Unauthorized, "401")]
    [InlineData(FaultKind.ConsentRevoked, "consent")]
    [InlineData(FaultKind.Malformed, "could not be read")]
    public async Task A_failing_tenant_is_shown_with_the_reason_and_the_others_carry_on(FaultKind kind, string reason)
    {
        var woodgrove = DemoWorld.Ids.WoodgroveBank;
        var tenant = microsoft.TenantOf[woodgrove];
        microsoft.Open($"EX3{(int)kind:00000}", "Exchange Online", "Mail delays", "Mail may be delayed.", woodgrove, DemoWorld.Ids.WideWorldImporters);
        Simulator.ClearFaults();
        Simulator.AddFault(new Fault(kind, tenant, Count: 20, PathContains: kind == FaultKind.Malformed ? "issues" : null));
        var issuesBefore = await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.ServiceHealthIssues.CountAsync());

        var failed = await microsoft.Sync(woodgrove, Demo.FabrikamAdmin);
        var other = await microsoft.Sync(DemoWorld.Ids.WideWorldImporters, Demo.FabrikamAdmin);

        Simulator.ClearFaults();
        Assert.False(failed.Succeeded);
        Assert.True(failed.Error?.Contains(reason, StringComparison.OrdinalIgnoreCase), failed.Error);
        Assert.True(other.Succeeded, other.Error);
        var admin = await App.ClientFor(Demo.FabrikamAdmin);
        var status = Assert.Single(await (await admin.GetAsync($"/api/v1/service-health/sync-status?customerId={woodgrove}")).Read<List<SyncStatusView>>());
        Assert.Contains(reason, status.LastError, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(status.FailingSince);
        // Nothing of the failed read was written: only the other tenant's new issue arrived.
        Assert.Equal(issuesBefore + 1, await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.ServiceHealthIssues.CountAsync()));
        Assert.False(await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.AffectedCustomers.AnyAsync(a => a.CustomerId == woodgrove && a.Issue!.MicrosoftId == $"EX3{(int)kind:00000}")));

        var recovered = await microsoft.Sync(woodgrove, Demo.FabrikamAdmin);
        Assert.True(recovered.Succeeded, recovered.Error);
        status = Assert.Single(await (await admin.GetAsync($"/api/v1/service-health/sync-status?customerId={woodgrove}")).Read<List<SyncStatusView>>());
        Assert.Null(status.LastError);
    }

    [Fact]
    public async Task Values_microsoft_adds_later_and_missing_fields_are_kept_as_unknown_or_skipped_with_a_warning()
    {
        var adatum = DemoWorld.Ids.Adatum;
        var tenant = microsoft.TenantOf[adatum];
        Simulator.Apply(new ScenarioStep
        {
            Action = "openIssue",
            Tenants = [tenant],
            Issue = new GraphIssue { Id = "TM400001", Service = "Microsoft Teams", Title = "Future values", ImpactDescription = "x", Classification = "unknownFutureValue", Status = "somethingMicrosoftAddsIn2027" },
        });
        Simulator.Apply(new ScenarioStep
        {
            Action = "openIssue",
            Tenants = [tenant],
            Issue = new GraphIssue { Id = "TM400002", Service = null, Title = "No service", ImpactDescription = "x" },
        });

        var result = await microsoft.Sync(adatum);

        Assert.True(result.Succeeded, result.Error);
        var stored = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.ServiceHealthIssues.Where(i => i.MicrosoftId.StartsWith("TM40000")).ToListAsync());
        var future = Assert.Single(stored);
        Assert.Equal(IssueClassification.Unknown, future.Classification);
        Assert.Equal("unknown", future.Status);
        var warnings = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.HealthSyncStates.Where(s => s.CustomerId == adatum).Select(s => s.Warnings).FirstAsync());
        Assert.Contains("TM400002 skipped", warnings, StringComparison.Ordinal);
        Assert.Contains("TM400001: status not known", warnings, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_background_job_reads_every_due_tenant_and_survives_a_failing_one()
    {
        var job = App.Services.GetRequiredService<HealthSyncJob>();
        Simulator.ClearFaults();
        Simulator.AddFault(new Fault(FaultKind.Unavailable, microsoft.TenantOf[DemoWorld.Ids.Tailspin], Count: 100));
        // Every tenant is due, whatever earlier tests did.
        await App.InDatabase(DemoWorld.Ids.Contoso, db => db.HealthSyncStates.ExecuteUpdateAsync(s => s.SetProperty(x => x.NextDueAt, App.Clock.GetUtcNow().AddMinutes(-1))));
        await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.HealthSyncStates.ExecuteUpdateAsync(s => s.SetProperty(x => x.NextDueAt, App.Clock.GetUtcNow().AddMinutes(-1))));

        var read = await job.RunOnce(TestContext.Current.CancellationToken);

        Simulator.ClearFaults();
        Assert.Equal(5, read);
        var states = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.HealthSyncStates.ToListAsync());
        Assert.Equal(3, states.Count);
        Assert.NotNull(Assert.Single(states, s => s.CustomerId == DemoWorld.Ids.Tailspin).LastError);
        Assert.All(states.Where(s => s.CustomerId != DemoWorld.Ids.Tailspin), s => Assert.Null(s.LastError));
        Assert.Equal(0, await job.RunOnce(TestContext.Current.CancellationToken)); // nobody is due again yet
    }

    [Fact]
    public async Task Bad_sync_requests_name_the_field()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);

        await (await admin.PostAsJsonAsync("/api/v1/service-health/sync", new { })).ProblemNaming("customerId");
        await (await admin.PostAsJsonAsync("/api/v1/service-health/sync", new { customerId = DemoWorld.Ids.WoodgroveBank })).ProblemNaming("customerId");
        await (await admin.GetAsync("/api/v1/service-health/issues?cursor=nonsense")).ProblemNaming("cursor");
        await (await admin.GetAsync("/api/v1/service-health/issues?limit=0")).ProblemNaming("limit");
        await (await admin.GetAsync($"/api/v1/service-health/issues?customerId={DemoWorld.Ids.WoodgroveBank}")).ProblemNaming("customerId");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/service-health/issues/{Guid.NewGuid()}")).StatusCode);
    }
}
