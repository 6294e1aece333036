using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Reports;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Reports;

/// <summary>
/// The response-times report over counted months gives what the tickets give: one customer of its own holds every
/// ticket of its months (2024, before anything of the demo world), so the organisation's report (which reads the
/// counted months) must equal the report narrowed to that customer (which always reads the tickets).
/// </summary>
public sealed class ResponseTimeRollupTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset At(int month, int day, int hour, int minute = 0) => new(2024, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_rounds_pace_pauses_before_every_count_but_the_first_as_long_as_the_one_before_took()
    {
        // One pace spans a round's organisations (ResponseTimeRollupJob): the next organisation's first count pauses too.
        var pauses = new List<TimeSpan>();
        var pace = new RollupPace((took, _) =>
        {
            pauses.Add(took);
            return Task.CompletedTask;
        });
        await pace.BeforeCount(Ct);
        Assert.Empty(pauses);
        pace.Counted(TimeSpan.FromMilliseconds(40)); // the last month of one organisation
        await pace.BeforeCount(Ct); // the first of the next
        pace.Counted(TimeSpan.FromMilliseconds(70));
        await pace.BeforeCount(Ct);
        Assert.Equal([TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(70)], pauses);
    }

    [Fact]
    public async Task Counted_months_give_the_figures_the_tickets_give_and_a_change_is_read_live_until_counted_again()
    {
        var (customer, plan) = await NewCustomer("Rollup Figures Ltd");
        var tickets = new List<Guid>();
        var n = 0;
        foreach (var month in new[] { 1, 2, 3, 4 })
        {
            // Per month: met, missed late, missed undone, no target, marked breached by the sweep, with and without a plan.
            tickets.Add(await AddTicket(customer, ++n, At(month, 5, 9), Severity.A, plan, At(month, 5, 9, 20), At(month, 5, 10), At(month, 5, 15), At(month, 6, 9)));
            tickets.Add(await AddTicket(customer, ++n, At(month, 12, 8), Severity.B, plan, At(month, 12, 14), At(month, 12, 10), At(month, 15, 8), At(month, 13, 8)));
            tickets.Add(await AddTicket(customer, ++n, At(month, 20, 8), Severity.B, null, null, At(month, 20, 12), null, At(month, 22, 8)));
            tickets.Add(await AddTicket(customer, ++n, At(month, 25, 23, 30), Severity.C, null, At(month, 26, 1), null, At(month, 28, 2), null));
            tickets.Add(await AddTicket(customer, ++n, At(month, 27, 7), Severity.C, plan, At(month, 27, 7, 5), At(month, 27, 8), At(month, 27, 9), At(month, 27, 12), SlaTargets.Resolution));
        }

        var admin = await App.ClientFor(Demo.ContosoAdmin);
        const string period = "from=2024-01-10&to=2024-04-20"; // February and March whole, January and April in part
        async Task<string> Organisation(string more = "") => await admin.GetStringAsync($"/api/v1/reports/response-times?{period}{more}", Ct);
        async Task<string> OfCustomer(string more = "") => await Organisation($"&customerId={customer}{more}");

        // Nothing counted yet: both read the tickets, and the customer is all there is in the period.
        Assert.Equal(await OfCustomer(), await Organisation());
        Assert.Contains("\"tickets\":17", await Organisation()); // January 4, February 5, March 5, April 3

        var pauses = 0;
        var pace = new RollupPace((_, _) =>
        {
            pauses++;
            return Task.CompletedTask;
        });
        var counted = await App.InDatabase(DemoWorld.Ids.Contoso, db => ResponseTimeRollup.CountDue(db, App.Clock.GetUtcNow(), 1000, Ct, pace));
        Assert.True(counted >= 4, $"counted {counted} months");
        Assert.Equal(counted - 1, pauses); // between two counts, not after the last

        var months = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.ResponseTimeMonths.Where(m => m.Month >= Month(2) && m.Month <= Month(3)).ToListAsync(Ct));
        Assert.Equal(2, months.Count);
        Assert.All(months, m => Assert.Null(m.RunningUntil));

        var before = await OfCustomer();
        Assert.Equal(before, await Organisation());
        Assert.Equal(await OfCustomer("&severity=B"), await Organisation("&severity=B"));
        Assert.Equal(await OfCustomer("&format=csv&table=plans"), await Organisation("&format=csv&table=plans"));

        // A change saved to a ticket of a counted month (February's first ticket, answered later) marks its month.
        await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var ticket = await db.Tickets.SingleAsync(t => t.Id == tickets[5], Ct);
            ticket.FirstRespondedAt = At(2, 5, 11);
            return await db.SaveChangesAsync(Ct);
        });
        Assert.Equal([Month(2)], await App.InDatabase(DemoWorld.Ids.Contoso, db => db.ResponseTimeChanges.Select(c => c.Month).Distinct().ToListAsync(Ct)));
        var changed = await OfCustomer();
        Assert.NotEqual(before, changed);
        Assert.Equal(changed, await Organisation());

        // Not while February is still being worked on: the round after its changes settled counts it again, and only it.
        Assert.Equal(0, await App.InDatabase(DemoWorld.Ids.Contoso, db => ResponseTimeRollup.CountDue(db, App.Clock.GetUtcNow(), 1000, Ct)));
        App.Clock.Advance(ResponseTimeRollup.Quiet + TimeSpan.FromSeconds(1));
        var rests = new List<TimeSpan>();
        Assert.Equal(1, await App.InDatabase(DemoWorld.Ids.Contoso, db => ResponseTimeRollup.CountDue(db, App.Clock.GetUtcNow(), 1000, Ct, new RollupPace((took, _) =>
        {
            rests.Add(took);
            return Task.CompletedTask;
        }))));
        Assert.Empty(rests); // one month: nothing to pause before
        Assert.Empty(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.ResponseTimeChanges.ToListAsync(Ct)));
        Assert.Equal(changed, await Organisation());

        // A change to what the report does not read (a title) leaves no mark.
        await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var ticket = await db.Tickets.SingleAsync(t => t.Id == tickets[6], Ct);
            ticket.Title = "Renamed";
            return await db.SaveChangesAsync(Ct);
        });
        Assert.Empty(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.ResponseTimeChanges.ToListAsync(Ct)));

        // The organisation's report does read the counted months: a change behind the save steps' back (no code of
        // PartnerDesk writes tickets so) shows in the customer's report, which reads tickets, and not in the
        // organisation's until March is counted again.
        await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.Where(t => t.Id == tickets[10]).ExecuteUpdateAsync(s => s.SetProperty(t => t.ResolvedAt, At(3, 30, 9)), Ct));
        Assert.NotEqual(changed, await OfCustomer());
        Assert.Equal(changed, await Organisation());
    }

    [Fact]
    public async Task A_month_with_a_target_still_running_is_read_live_until_its_last_due_time_has_passed()
    {
        var (customer, _) = await NewCustomer("Rollup Running Ltd");
        var now = App.Clock.GetUtcNow();
        await AddTicket(customer, 1, At(6, 3, 9), Severity.A, null, At(6, 3, 10), At(6, 3, 11), At(6, 4, 9), At(6, 5, 9));
        await AddTicket(customer, 2, At(6, 10, 9), Severity.B, null, null, now.AddHours(6), null, null); // answered by no one yet, due in six hours
        App.Clock.Advance(ResponseTimeRollup.Quiet + TimeSpan.FromSeconds(1)); // June may have been counted, empty, by another test: now its changes have settled

        var admin = await App.ClientFor(Demo.ContosoAdmin);
        async Task<string> Organisation(string more = "") => await admin.GetStringAsync($"/api/v1/reports/response-times?from=2024-06-01&to=2024-06-30{more}", Ct);

        await App.InDatabase(DemoWorld.Ids.Contoso, db => ResponseTimeRollup.CountDue(db, App.Clock.GetUtcNow(), 1000, Ct));
        var june = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.ResponseTimeMonths.SingleAsync(m => m.Month == Month(6), Ct));
        Assert.True((june.RunningUntil!.Value - now.AddHours(6)).Duration() < TimeSpan.FromMilliseconds(1), $"running until {june.RunningUntil}");
        Assert.Empty(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.ResponseTimeTotals.Where(t => t.Month == Month(6)).ToListAsync(Ct)));
        Assert.Equal(await Organisation($"&customerId={customer}"), await Organisation());
        Assert.Contains("\"firstResponseTarget\":{\"withTarget\":2,\"met\":1,\"missed\":0,", await Organisation());

        // Seven hours later the target is missed without any save; the next round counts June.
        App.Clock.Advance(TimeSpan.FromHours(7));
        App.ForgetTokens(); // the session of seven hours ago has expired
        admin = await App.ClientFor(Demo.ContosoAdmin);
        Assert.Contains("\"firstResponseTarget\":{\"withTarget\":2,\"met\":1,\"missed\":1,", await Organisation());
        await App.InDatabase(DemoWorld.Ids.Contoso, db => ResponseTimeRollup.CountDue(db, App.Clock.GetUtcNow(), 1000, Ct));
        june = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.ResponseTimeMonths.SingleAsync(m => m.Month == Month(6), Ct));
        Assert.Null(june.RunningUntil);
        Assert.Equal(await Organisation($"&customerId={customer}"), await Organisation());
        Assert.Contains("\"firstResponseTarget\":{\"withTarget\":2,\"met\":1,\"missed\":1,", await Organisation());
    }

    [Fact]
    public async Task A_month_changed_without_pause_is_counted_again_once_its_first_waiting_change_is_stale()
    {
        try
        {
            var (customer, _) = await NewCustomer("Rollup Busy Ltd");
            var ticket = await AddTicket(customer, 1, At(10, 3, 9), Severity.B, null, At(10, 3, 10), At(10, 3, 11), At(10, 4, 9), At(10, 5, 9));
            App.Clock.Advance(ResponseTimeRollup.Quiet + TimeSpan.FromSeconds(1));
            async Task<DateTimeOffset> CountedAt()
            {
                await App.InDatabase(DemoWorld.Ids.Contoso, db => ResponseTimeRollup.CountDue(db, App.Clock.GetUtcNow(), 1000, Ct));
                return await App.InDatabase(DemoWorld.Ids.Contoso, db => db.ResponseTimeMonths.Where(m => m.Month == Month(10)).Select(m => m.BuiltAt).SingleAsync(Ct));
            }

            var counted = await CountedAt();
            var firstChange = App.Clock.GetUtcNow();

            // A change every ten minutes: never quiet for long enough, so only staleness brings the month's count up to date.
            var round = 0;
            async Task ChangeAndWait()
            {
                round++;
                await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
                {
                    (await db.Tickets.SingleAsync(t => t.Id == ticket, Ct)).ResolvedAt = At(10, 4, 9).AddMinutes(round);
                    return await db.SaveChangesAsync(Ct);
                });
                App.Clock.Advance(TimeSpan.FromMinutes(10));
            }

            Assert.True(ResponseTimeRollup.Quiet > TimeSpan.FromMinutes(10));
            while (App.Clock.GetUtcNow() + TimeSpan.FromMinutes(10) - firstChange < ResponseTimeRollup.Stale)
            {
                await ChangeAndWait();
                Assert.Equal(counted, await CountedAt());
            }

            await ChangeAndWait();
            App.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.True((await CountedAt() - App.Clock.GetUtcNow()).Duration() < TimeSpan.FromMilliseconds(1), "counted again once stale");
            Assert.Empty(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.ResponseTimeChanges.Where(c => c.Month == Month(10)).ToListAsync(Ct)));
        }
        finally
        {
            App.ForgetTokens(); // sessions begun before the two hours this test moves the clock may have run out
        }
    }

    [Fact]
    public async Task Only_callers_who_see_every_ticket_of_the_organisation_read_the_counted_months()
    {
        var (customer, _) = await NewCustomer("Rollup Visibility Ltd");
        await AddTicket(customer, 1, At(8, 3, 9), Severity.A, null, At(8, 3, 10), At(8, 3, 11), At(8, 4, 9), At(8, 5, 9));
        App.Clock.Advance(ResponseTimeRollup.Quiet + TimeSpan.FromSeconds(1));
        await App.InDatabase(DemoWorld.Ids.Contoso, db => ResponseTimeRollup.CountDue(db, App.Clock.GetUtcNow(), 1000, Ct));

        // Counted months for exactly the callers the tickets' rule shows every ticket of the organisation to.
        async Task<int> MonthsSeenBy(Action<Caller> who)
        {
            await using var scope = App.Services.CreateAsyncScope();
            var caller = scope.ServiceProvider.GetRequiredService<Caller>();
            who(caller);
            var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
            var everyTicket = await db.Tickets.CountAsync(Ct) == await db.Tickets.IgnoreQueryFilters().CountAsync(t => t.OrganisationId == caller.OrganisationId, Ct);
            Assert.Equal(everyTicket, caller.SeesEveryTicket);
            return await db.ResponseTimeMonths.CountAsync(m => m.Month == Month(8), Ct)
                + await db.ResponseTimeTotals.CountAsync(m => m.Month == Month(8), Ct)
                + await db.ResponseTimeSeverities.CountAsync(m => m.Month == Month(8), Ct);
        }

        Assert.Equal(3, await MonthsSeenBy(c => c.ActAsAgent(DemoWorld.Ids.Contoso, DemoWorld.Ids.ContosoAdmin, AgentRole.AdminAgent)));
        Assert.Equal(0, await MonthsSeenBy(c => c.ActAsAgent(DemoWorld.Ids.Contoso, DemoWorld.Ids.ContosoHelpdesk, AgentRole.HelpdeskAgent)));
        Assert.Equal(0, await MonthsSeenBy(c => c.ActAsAgent(DemoWorld.Ids.Contoso, DemoWorld.Ids.ContosoSales, AgentRole.SalesAgent)));
        Assert.Equal(0, await MonthsSeenBy(c => c.ActAsAgent(DemoWorld.Ids.Fabrikam, DemoWorld.Ids.FabrikamAdmin, AgentRole.AdminAgent)));
    }

    private static int Month(int month) => ReportMonths.Of(At(month, 1, 0));

    private async Task<(Guid Customer, Guid Plan)> NewCustomer(string name) => await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
    {
        var plan = await db.SupportPlans.OrderBy(p => p.Name).Select(p => p.Id).FirstAsync(Ct);
        var customer = new Customer
        {
            OrganisationId = DemoWorld.Ids.Contoso,
            Name = name,
            TenantId = Guid.NewGuid(),
            DefaultDomain = $"rollup{Guid.NewGuid():N}.example",
            CreatedAt = At(1, 1, 0).AddYears(-1),
        };
        db.Customers.Add(customer);
        await db.SaveChangesAsync(Ct);
        return (customer.Id, plan);
    });

    /// <summary>A ticket with known times: filed through a save, its times written after it so that the SLA keeper's own do not replace them.</summary>
    private async Task<Guid> AddTicket(
        Guid customer, int index, DateTimeOffset created, Severity severity, Guid? plan, DateTimeOffset? firstResponse, DateTimeOffset? firstResponseDue,
        DateTimeOffset? resolved, DateTimeOffset? resolutionDue, SlaTargets breached = SlaTargets.None) => await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
    {
        var ticket = new Ticket
        {
            OrganisationId = DemoWorld.Ids.Contoso,
            CustomerId = customer,
            Number = Random.Shared.NextInt64(100_000_000, 900_000_000) + index,
            Title = $"Rollup ticket {index}",
            Description = "Known figures.",
            Kind = TicketKind.Incident,
            Severity = severity,
            Channel = Channel.Portal,
            Status = resolved is null ? TicketStatus.Open : TicketStatus.Resolved,
            CreatedByUserId = DemoWorld.Ids.ContosoAdmin,
            CreatedAt = created,
            UpdatedAt = created,
        };
        db.Tickets.Add(ticket);
        await db.SaveChangesAsync(Ct);
        await db.Tickets.Where(t => t.Id == ticket.Id).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.PlanId, plan).SetProperty(t => t.CreatedAt, created)
            .SetProperty(t => t.FirstRespondedAt, firstResponse).SetProperty(t => t.FirstResponseDueAt, firstResponseDue)
            .SetProperty(t => t.ResolvedAt, resolved).SetProperty(t => t.ResolutionDueAt, resolutionDue)
            .SetProperty(t => t.SlaBreached, breached), Ct);
        return ticket.Id;
    });
}
