using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Billing;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Reports;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Reports;

/// <summary>
/// Each report's figures over a small known dataset (a customer of its own, a period in March 2025), the CSV export,
/// who may read which report, and bad input.
/// </summary>
public sealed class ReportApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Period = "from=2025-03-03&to=2025-03-05";
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2025, 3, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public async Task Created_resolved_and_backlog_per_day()
    {
        var (customer, _) = await Arrange();
        var admin = await App.ClientFor(Demo.ContosoAdmin);

        var report = await (await admin.GetAsync($"/api/v1/reports/volume?{Period}&customerId={customer}", Ct)).Read<VolumeReport>();

        Assert.Equal((4, 3, 2, 3), (report.Created, report.Resolved, report.OpenAtStart, report.OpenAtEnd));
        Assert.Equal(
            [new VolumeDay(new DateOnly(2025, 3, 3), 2, 1, 3), new VolumeDay(new DateOnly(2025, 3, 4), 1, 1, 3), new VolumeDay(new DateOnly(2025, 3, 5), 1, 1, 3)],
            report.Days);

        // Filters narrow it: severity B is T2 and T3; the email channel T2 only.
        var b = await (await admin.GetAsync($"/api/v1/reports/volume?{Period}&customerId={customer}&severity=B", Ct)).Read<VolumeReport>();
        Assert.Equal((2, 1), (b.Created, b.Resolved));
        var email = await (await admin.GetAsync($"/api/v1/reports/volume?{Period}&customerId={customer}&channel=Email&agentId={DemoWorld.Ids.ContosoHelpdesk}", Ct)).Read<VolumeReport>();
        Assert.Equal(1, email.Created);
    }

    [Fact]
    public async Task Response_and_resolution_times_against_the_sla_and_breaches_per_customer_and_plan()
    {
        var (customer, plan) = await Arrange();
        var admin = await App.ClientFor(Demo.ContosoAdmin);

        var report = await (await admin.GetAsync($"/api/v1/reports/response-times?{Period}&customerId={customer}", Ct)).Read<ResponseTimesReport>();

        var all = Assert.Single(report.Severities, s => s.Severity is null);
        Assert.Equal(4, all.Tickets);
        Assert.Equal(new DurationStats(3, 30, 102), all.FirstResponse);
        Assert.Equal(new TargetStats(3, 2, 1), all.FirstResponseTarget);
        Assert.Equal(new DurationStats(2, 1560, 2616), all.Resolution);
        Assert.Equal(new TargetStats(3, 1, 2), all.ResolutionTarget); // T3 is open past its due time
        var b = Assert.Single(report.Severities, s => s.Severity == Severity.B);
        Assert.Equal((2, 65.0, 109.0), (b.Tickets, b.FirstResponse.MedianMinutes, b.FirstResponse.P90Minutes));

        var breaches = Assert.Single(report.BreachesByCustomer);
        Assert.Equal((customer, "Report Test Ltd", 4, 2, 1, 2), (breaches.Id!.Value, breaches.Name, breaches.Tickets, breaches.Breached, breaches.FirstResponseMissed, breaches.ResolutionMissed));
        var byPlan = Assert.Single(report.BreachesByPlan);
        Assert.Equal((plan, 3, 2), (byPlan.Id!.Value, byPlan.Tickets, byPlan.Breached));

        var csv = await admin.GetStringAsync($"/api/v1/reports/response-times?{Period}&customerId={customer}&format=csv&table=customers", Ct);
        Assert.Equal($"customer_id,customer,tickets,breached,first_response_missed,resolution_missed\r\n{customer},Report Test Ltd,4,2,1,2\r\n", csv);
    }

    [Fact]
    public async Task The_database_counts_utc_days_as_the_report_rules_do()
    {
        var (customer, _) = await Arrange();
        var lastTick = new DateTimeOffset(2025, 3, 6, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(-1);
        var rows = await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var n = Random.Shared.NextInt64(100_000_000, 900_000_000);
            await AddTicket(db, customer, n, lastTick, Severity.C, Channel.Portal, null, resolved: lastTick.AddMilliseconds(2)); // 23:59:59.999, resolved just after midnight
            await AddTicket(db, customer, n + 1, At(5, 1), Severity.C, Channel.Portal, null, resolved: At(5, 23, 59).AddSeconds(59)); // the same day's last second
            await db.SaveChangesAsync(Ct);
            return await db.Tickets.Where(t => t.Number == n || t.Number == n + 1).OrderBy(t => t.Number)
                .Select(t => new { Filed = SqlTime.DayNumber(t.CreatedAt), Resolved = SqlTime.DayNumber(t.ResolvedAt!.Value) })
                .ToListAsync(Ct);
        });

        var (march5, march6) = (new DateOnly(2025, 3, 5).DayNumber, new DateOnly(2025, 3, 6).DayNumber);
        Assert.Equal((march5, (long)march6), (rows[0].Filed, rows[0].Resolved));
        Assert.Equal((march5, (long)march5), (rows[1].Filed, rows[1].Resolved));
    }

    [Fact]
    public async Task Escalations_per_category_against_microsofts_targets()
    {
        var (customer, _) = await Arrange();
        var admin = await App.ClientFor(Demo.ContosoAdmin);

        var report = await (await admin.GetAsync($"/api/v1/reports/escalations?{Period}&customerId={customer}", Ct)).Read<EscalationsReport>();

        var unavailable = Assert.Single(report.Categories, c => c.Key == nameof(EscalationCategory.ServiceUnavailable));
        Assert.Equal((1, 0, 120.0, 1440.0), (unavailable.Escalations, unavailable.Open, unavailable.FirstResponse.MedianMinutes, unavailable.TimeToClose.MedianMinutes));
        var none = Assert.Single(report.Categories, c => c.Key == EscalationReport.NoCategory);
        Assert.Equal((1, 1), (none.Escalations, none.Open));
        Assert.All(report.Categories.Where(c => c.Key is not (nameof(EscalationCategory.ServiceUnavailable) or EscalationReport.NoCategory)), c => Assert.Equal(0, c.Escalations));

        var critical = Assert.Single(report.Severities, s => s.Key == "critical");
        Assert.Equal((2.0, 1, new TargetStats(1, 0, 1)), (critical.TargetHours!.Value, critical.Escalations, critical.FirstResponseTarget));
        var moderate = Assert.Single(report.Severities, s => s.Key == "moderate");
        Assert.Equal((4.0, 1, new TargetStats(1, 1, 0)), (moderate.TargetHours!.Value, moderate.Escalations, moderate.FirstResponseTarget));
    }

    [Fact]
    public async Task Workload_per_agent_and_billable_hours_with_margin_per_customer()
    {
        var (customer, _) = await Arrange();
        var admin = await App.ClientFor(Demo.ContosoAdmin);

        var workload = await (await admin.GetAsync($"/api/v1/reports/workload?{Period}&customerId={customer}", Ct)).Read<WorkloadReport>();
        var adminLoad = Assert.Single(workload.Agents, a => a.AgentId == DemoWorld.Ids.ContosoAdmin);
        Assert.Equal((1, 0, 2, 1.5m, 1.5m), (adminLoad.Assigned, adminLoad.StillOpen, adminLoad.Resolved, adminLoad.Hours, adminLoad.BillableHours));
        var helpdesk = Assert.Single(workload.Agents, a => a.AgentId == DemoWorld.Ids.ContosoHelpdesk);
        Assert.Equal((2, 1, 1, 0.5m, 0m), (helpdesk.Assigned, helpdesk.StillOpen, helpdesk.Resolved, helpdesk.Hours, helpdesk.BillableHours));
        var unassigned = Assert.Single(workload.Agents, a => a.AgentId is null);
        Assert.Equal((1, 1), (unassigned.Assigned, unassigned.StillOpen));

        var billing = await (await admin.GetAsync($"/api/v1/reports/billing?{Period}&customerId={customer}", Ct)).Read<BillingReport>();
        var row = Assert.Single(billing.Customers);
        Assert.Equal((2m, 1.5m, "EUR", 500m, 200m, 300m), (row.Hours, row.BillableHours, row.Currency, row.Billed, row.ProviderCost, row.Margin));
    }

    [Fact]
    public async Task Csv_by_format_or_accept_header()
    {
        var (customer, _) = await Arrange();
        var admin = await App.ClientFor(Demo.ContosoAdmin);

        var response = await admin.GetAsync($"/api/v1/reports/volume?{Period}&customerId={customer}&format=csv", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("partnerdesk-volume-days-2025-03-03-2025-03-05.csv", response.Content.Headers.ContentDisposition?.ToString() ?? "", StringComparison.Ordinal);
        Assert.Equal("day,created,resolved,open_backlog\r\n2025-03-03,2,1,3\r\n2025-03-04,1,1,3\r\n2025-03-05,1,1,3\r\n", await response.Content.ReadAsStringAsync(Ct));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/reports/workload?{Period}&customerId={customer}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var accepted = await admin.SendAsync(request, Ct);
        Assert.Equal("text/csv", accepted.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("agent_id,agent,assigned,still_open,resolved,hours,billable_hours\r\n", await accepted.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_are_for_admins_and_stay_inside_the_organisation()
    {
        var (customer, _) = await Arrange();
        foreach (var slug in new[] { "volume", "response-times", "escalations", "workload", "billing" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.ContosoHelpdesk)).GetAsync($"/api/v1/reports/{slug}?{Period}", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.AdatumIt)).GetAsync($"/api/v1/reports/{slug}?{Period}", Ct)).StatusCode);
        }

        // Another organisation's admin: the customer is unknown to it, and its own figures hold none of Contoso's tickets.
        var fabrikam = await App.ClientFor(Demo.FabrikamAdmin);
        await (await fabrikam.GetAsync($"/api/v1/reports/volume?{Period}&customerId={customer}", Ct)).ProblemNaming("customerId");
        var own = await (await fabrikam.GetAsync($"/api/v1/reports/volume?{Period}", Ct)).Read<VolumeReport>();
        Assert.Equal((0, 0), (own.Created, own.Resolved));
        var breaches = await (await fabrikam.GetAsync($"/api/v1/reports/response-times?{Period}", Ct)).Read<ResponseTimesReport>();
        Assert.DoesNotContain(breaches.BreachesByCustomer, b => b.Id == customer);
        var plan = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.SupportPlans.Select(p => p.Id).FirstAsync(Ct));
        await (await fabrikam.GetAsync($"/api/v1/reports/workload?{Period}&planId={plan}", Ct)).ProblemNaming("planId");
        await (await fabrikam.GetAsync($"/api/v1/reports/workload?{Period}&agentId={DemoWorld.Ids.ContosoHelpdesk}", Ct)).ProblemNaming("agentId");
    }

    [Fact]
    public async Task A_customers_admin_sees_its_own_service_report_and_nobody_elses()
    {
        var (customer, _) = await Arrange();
        await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var number = Random.Shared.NextInt64(100_000_000, 900_000_000);
            await AddTicket(db, DemoWorld.Ids.Adatum, number, At(4, 9), Severity.B, Channel.Portal, null, firstResponse: At(4, 10), resolved: At(4, 15));
            await AddTicket(db, DemoWorld.Ids.Adatum, number + 1, At(5, 9), Severity.C, Channel.Portal, null);
            return 0;
        });

        var report = await (await (await App.ClientFor(Demo.AdatumIt)).GetAsync($"/api/v1/reports/service?{Period}", Ct)).Read<CustomerServiceReport>();
        Assert.Equal((2, 1), (report.Volume.Created, report.Volume.Resolved));
        Assert.Equal(new DurationStats(1, 60, 60), Assert.Single(report.Severities, s => s.Severity is null).FirstResponse);
        Assert.NotNull(report.PlanName); // Adatum's contract
        Assert.NotEmpty(report.Targets);

        // The contact cannot point the report at another customer; a contact who is no admin, and another
        // organisation's customer, get nothing of Adatum's.
        await (await (await App.ClientFor(Demo.AdatumIt)).GetAsync($"/api/v1/reports/service?{Period}&customerId={customer}", Ct)).ProblemNaming("customerId");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.AdatumAnna)).GetAsync($"/api/v1/reports/service?{Period}", Ct)).StatusCode);
        var wideWorld = await (await (await App.ClientFor(Demo.WideWorldIt)).GetAsync($"/api/v1/reports/service?{Period}", Ct)).Read<CustomerServiceReport>();
        Assert.Equal(0, wideWorld.Volume.Created);
        await (await (await App.ClientFor(Demo.WideWorldIt)).GetAsync($"/api/v1/reports/service?{Period}&customerId={DemoWorld.Ids.Adatum}", Ct)).ProblemNaming("customerId");

        // An admin agent names the customer; a helpdesk agent is refused.
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        await (await admin.GetAsync($"/api/v1/reports/service?{Period}", Ct)).ProblemNaming("customerId");
        Assert.Equal(2, (await (await admin.GetAsync($"/api/v1/reports/service?{Period}&customerId={DemoWorld.Ids.Adatum}", Ct)).Read<CustomerServiceReport>()).Volume.Created);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.ContosoHelpdesk)).GetAsync($"/api/v1/reports/service?{Period}&customerId={DemoWorld.Ids.Adatum}", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("from=2025-03-05&to=2025-03-01", "from")]
    [InlineData("from=2024-01-01&to=2025-03-01", "to")]
    [InlineData("from=03/01/2025", "from")]
    [InlineData("to=2025-13-01", "to")]
    [InlineData("customerId=nonsense", "customerId")]
    [InlineData("customerId=0c0c0c0c-9999-7000-8000-000000000001", "customerId")]
    [InlineData("planId=0c0c0c0c-9999-7000-8000-000000000001", "planId")]
    [InlineData("agentId=0c0c0c0c-9999-7000-8000-000000000001", "agentId")]
    [InlineData("severity=D", "severity")]
    [InlineData("severity=1", "severity")]
    [InlineData("channel=Fax", "channel")]
    [InlineData("format=xml", "format")]
    [InlineData("format=csv&table=nope", "table")]
    [InlineData("table=days", "table")]
    public async Task Bad_input_is_a_problem_naming_the_field(string query, string field)
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        await (await admin.GetAsync($"/api/v1/reports/volume?{query}", Ct)).ProblemNaming(field);
    }

    /// <summary>
    /// A customer of its own with five tickets around 3–5 March 2025 (T0 and T5 before the period), one plan, two
    /// escalations, time and statements. Times are written after the save, so that the SLA keeper's own due times
    /// (from the customer's contract, here none) do not replace them.
    /// </summary>
    private async Task<(Guid Customer, Guid Plan)> Arrange() => await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
    {
        var plan = await db.SupportPlans.OrderBy(p => p.Name).Select(p => p.Id).FirstAsync(Ct);
        var customer = new Customer
        {
            OrganisationId = DemoWorld.Ids.Contoso,
            Name = "Report Test Ltd",
            TenantId = Guid.NewGuid(),
            DefaultDomain = $"report{Guid.NewGuid():N}.example",
            CreatedAt = At(1, 0).AddMonths(-6),
        };
        db.Customers.Add(customer);
        await db.SaveChangesAsync(Ct);
        var c = customer.Id;
        var n = Random.Shared.NextInt64(100_000_000, 900_000_000);
        var admin = DemoWorld.Ids.ContosoAdmin;
        var helpdesk = DemoWorld.Ids.ContosoHelpdesk;
        await AddTicket(db, c, n, At(1, 10), Severity.C, Channel.Portal, admin); // T0: open since before the period
        var t1 = await AddTicket(db, c, n + 1, At(3, 9), Severity.A, Channel.Portal, admin, plan, At(3, 9, 30), At(3, 10), At(3, 13), At(4, 9));
        var t2 = await AddTicket(db, c, n + 2, At(3, 12), Severity.B, Channel.Email, helpdesk, plan, At(3, 14), At(3, 13), At(5, 12), At(4, 12), SlaTargets.FirstResponse | SlaTargets.Resolution);
        var t3 = await AddTicket(db, c, n + 3, At(4, 8), Severity.B, Channel.Phone, helpdesk, plan, At(4, 8, 10), At(4, 9), null, At(6, 8));
        await AddTicket(db, c, n + 4, At(5, 20), Severity.C, Channel.Api, null); // T4: no plan, nobody yet
        await AddTicket(db, c, n + 5, new DateTimeOffset(2025, 2, 20, 9, 0, 0, TimeSpan.Zero), Severity.C, Channel.Portal, admin, resolved: At(4, 10)); // T5

        db.Escalations.Add(Escalation(c, t2, EscalationCategory.ServiceUnavailable, "moderate", At(3, 12, 30), At(3, 12, 31), At(3, 14, 31), At(3, 16, 31), false, At(4, 12, 30)));
        db.Escalations.Add(Escalation(c, t3, null, "critical", At(4, 8, 30), At(4, 8, 30), At(4, 11, 30), At(4, 10, 30), true, null));
        db.TimeEntries.Add(Time(c, t1, admin, 90, true, new DateOnly(2025, 3, 3)));
        db.TimeEntries.Add(Time(c, t2, helpdesk, 30, false, new DateOnly(2025, 3, 4)));
        db.TimeEntries.Add(Time(c, t2, helpdesk, 600, true, new DateOnly(2025, 3, 10))); // after the period
        db.Statements.Add(Statement(c, new DateOnly(2025, 3, 1), 500m, 200m));
        db.Statements.Add(Statement(c, new DateOnly(2025, 1, 1), 900m, 100m)); // a month before the period
        await db.SaveChangesAsync(Ct);
        return (c, plan);
    });

    private static async Task<Guid> AddTicket(
        Platform.Data.PartnerDeskDb db, Guid customer, long number, DateTimeOffset created, Severity severity, Channel channel, Guid? assignee, Guid? plan = null,
        DateTimeOffset? firstResponse = null, DateTimeOffset? firstResponseDue = null, DateTimeOffset? resolved = null, DateTimeOffset? resolutionDue = null,
        SlaTargets breached = SlaTargets.None)
    {
        var ticket = new Ticket
        {
            OrganisationId = DemoWorld.Ids.Contoso,
            CustomerId = customer,
            Number = number,
            Title = $"Report ticket {number}",
            Description = "Known figures.",
            Kind = TicketKind.Incident,
            Severity = severity,
            Channel = channel,
            Status = resolved is null ? TicketStatus.Open : TicketStatus.Resolved,
            AssigneeAgentId = assignee,
            CreatedByUserId = DemoWorld.Ids.ContosoAdmin,
            CreatedAt = created,
            UpdatedAt = created,
            Service = "Exchange Online",
        };
        db.Tickets.Add(ticket);
        await db.SaveChangesAsync(Ct);
        await db.Tickets.Where(t => t.Id == ticket.Id).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.PlanId, plan).SetProperty(t => t.CreatedAt, created)
            .SetProperty(t => t.FirstRespondedAt, firstResponse).SetProperty(t => t.FirstResponseDueAt, firstResponseDue)
            .SetProperty(t => t.ResolvedAt, resolved).SetProperty(t => t.ResolutionDueAt, resolutionDue)
            .SetProperty(t => t.SlaBreached, breached), Ct);
        return ticket.Id;
    }

    private static Escalation Escalation(Guid customer, Guid ticket, EscalationCategory? category, string severity, DateTimeOffset created, DateTimeOffset sent,
        DateTimeOffset firstResponse, DateTimeOffset due, bool missed, DateTimeOffset? closed) => new()
        {
            OrganisationId = DemoWorld.Ids.Contoso,
            CustomerId = customer,
            TicketId = ticket,
            Target = EscalationTarget.Microsoft,
            Category = category,
            Title = "Escalated",
            Description = "To Microsoft.",
            Severity = severity,
            State = closed is null ? EscalationState.Open : EscalationState.Closed,
            CreatedAt = created,
            CreatedByUserId = DemoWorld.Ids.ContosoAdmin,
            CreatedByName = "Admin",
            SentAt = sent,
            FirstResponseAt = firstResponse,
            FirstResponseDueAt = due,
            FirstResponseMissed = missed,
            ClosedAt = closed,
            NextPollAt = created,
        };

    private static TimeEntry Time(Guid customer, Guid ticket, Guid agent, int minutes, bool billable, DateOnly on) => new()
    {
        OrganisationId = DemoWorld.Ids.Contoso,
        CustomerId = customer,
        TicketId = ticket,
        AgentId = agent,
        AgentName = "Agent",
        Minutes = minutes,
        Billable = billable,
        WorkedOn = on,
        CreatedAt = new DateTimeOffset(on.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
    };

    private static Statement Statement(Guid customer, DateOnly month, decimal total, decimal cost) => new()
    {
        OrganisationId = DemoWorld.Ids.Contoso,
        CustomerId = customer,
        PlanName = "Plan",
        Month = month,
        Currency = "EUR",
        Total = total,
        ProviderCost = cost,
        ClosedAt = new DateTimeOffset(month.AddMonths(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
        ClosedBy = "Admin",
    };
}
