using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PartnerDesk.Features.Billing;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Billing;

/// <summary>Time on tickets and Litware's monthly statement (Business Standard Support: 290 a month, 35 users at 2.50, 4 hours included, 105 an hour by contract).</summary>
public sealed class BillingTests : IAsyncLifetime
{
    private PartnerDeskApp app = null!;
    private DateOnly lastMonth;

    public async ValueTask InitializeAsync()
    {
        app = await PartnerDeskApp.StartAsync();
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private string Month => lastMonth.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private async Task<Guid> LitwareTicket()
    {
        var litware = await app.ClientFor(Demo.LitwareIt);
        return (await (await litware.PostAsJsonAsync("/api/v1/tickets", new { title = "Printer mapping", description = "New printers do not map.", severity = "C", kind = "ServiceRequest" }))
            .Read<TicketDetails>(HttpStatusCode.Created)).Id;
    }

    [Fact]
    public async Task Time_is_logged_by_hand_and_by_timer_and_bad_entries_are_refused()
    {
        var ticket = await LitwareTicket();
        var helpdesk = await app.ClientFor(Demo.ContosoHelpdesk);
        var url = $"/api/v1/tickets/{ticket}";

        var logged = await (await helpdesk.PostAsJsonAsync($"{url}/time-entries", new { minutes = 45, note = "Remote session", billable = true })).Read<TimeEntryView>(HttpStatusCode.Created);
        Assert.Equal(("Diego Siciliani", 45), (logged.AgentName, logged.Minutes));

        var started = await (await helpdesk.PostAsync($"{url}/timer/start", null)).Read<TimeEntryView>();
        Assert.NotNull(started.RunningSince);
        app.Clock.Advance(TimeSpan.FromMinutes(24.5));
        var stopped = await (await helpdesk.PostAsync($"{url}/timer/stop", null)).Read<TimeEntryView>();
        Assert.Equal((25, (DateTimeOffset?)null), (stopped.Minutes, stopped.RunningSince));
        await (await helpdesk.PostAsync($"{url}/timer/stop", null)).ProblemNaming("timer");

        await (await helpdesk.PostAsJsonAsync($"{url}/time-entries", new { minutes = 0 })).ProblemNaming("minutes");
        await (await helpdesk.PostAsJsonAsync($"{url}/time-entries", new { minutes = 2000 })).ProblemNaming("minutes");
        await (await helpdesk.PostAsJsonAsync($"{url}/time-entries", new { minutes = 10, workedOn = "2099-01-01" })).ProblemNaming("workedOn");
        await (await helpdesk.PostAsJsonAsync($"{url}/time-entries", new { minutes = 10, byProvider = true })).ProblemNaming("byProvider"); // Litware's plan is direct

        var entries = await (await helpdesk.GetAsync($"{url}/time-entries")).Read<List<TimeEntryView>>();
        Assert.Equal([45, 25], entries.Select(e => e.Minutes));

        // Another organisation's agent cannot log time on it, read it, or delete it; a contact sees no time at all.
        var fabrikam = await app.ClientFor(Demo.FabrikamAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await fabrikam.PostAsJsonAsync($"{url}/time-entries", new { minutes = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fabrikam.DeleteAsync($"/api/v1/time-entries/{logged.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientFor(Demo.LitwareIt)).GetAsync($"{url}/time-entries")).StatusCode);
        Assert.Equal(2, (await (await helpdesk.GetAsync($"{url}/time-entries")).Read<List<TimeEntryView>>()).Count);
    }

    [Fact]
    public async Task A_closed_statement_bills_its_month_once_and_never_changes()
    {
        var ticket = await LitwareTicket();
        var helpdesk = await app.ClientFor(Demo.ContosoHelpdesk);
        var sales = await app.ClientFor(Demo.ContosoSales);
        var workedOn = lastMonth.AddDays(4).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var billed = await (await helpdesk.PostAsJsonAsync($"/api/v1/tickets/{ticket}/time-entries", new { minutes = 300, workedOn })).Read<TimeEntryView>(HttpStatusCode.Created);
        await (await helpdesk.PostAsJsonAsync($"/api/v1/tickets/{ticket}/time-entries", new { minutes = 60, workedOn, billable = false })).Read<TimeEntryView>(HttpStatusCode.Created);
        var query = $"customerId={DemoWorld.Ids.Litware}&month={Month}";

        var draft = await (await sales.GetAsync($"/api/v1/statements?{query}")).Read<StatementView>();
        Assert.False(draft.Closed);
        Assert.Equal(290m + 35 * 2.5m + 105m, draft.Total); // 5 hours: 4 included, 1 at 105
        Assert.Equal([StatementLineKind.PlanFee, StatementLineKind.Seats, StatementLineKind.IncludedHours, StatementLineKind.Overage, StatementLineKind.NonBillableHours], draft.Lines.Select(l => l.Kind));

        var closed = await (await sales.PostAsJsonAsync("/api/v1/statements/close", new { customerId = DemoWorld.Ids.Litware, month = Month })).Read<StatementView>(HttpStatusCode.Created);
        Assert.Equal((true, draft.Total, "Megan Bowen"), (closed.Closed, closed.Total, closed.ClosedBy));
        Assert.Equal(HttpStatusCode.Conflict, (await sales.PostAsJsonAsync("/api/v1/statements/close", new { customerId = DemoWorld.Ids.Litware, month = Month })).StatusCode);

        // Nothing reaches into a closed month: no new time, no removal, no price change shows.
        var refused = await (await helpdesk.PostAsJsonAsync($"/api/v1/tickets/{ticket}/time-entries", new { minutes = 30, workedOn })).Problem(HttpStatusCode.Conflict);
        Assert.StartsWith("The month is closed", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await helpdesk.DeleteAsync($"/api/v1/time-entries/{billed.Id}")).StatusCode);
        var contract = (await (await sales.GetAsync($"/api/v1/contracts?customerId={DemoWorld.Ids.Litware}")).Read<List<Features.Plans.ContractView>>()).Single();
        await (await sales.PutAsJsonAsync($"/api/v1/contracts/{contract.Id}", new { customerId = DemoWorld.Ids.Litware, planId = contract.PlanId, startsOn = contract.StartsOn, seats = 500, hourlyRate = 999 }))
            .Read<Features.Plans.ContractView>();
        var again = await (await sales.GetAsync($"/api/v1/statements?{query}")).Read<StatementView>();
        Assert.Equal((closed.Id, closed.Total), (again.Id, again.Total));
        Assert.True((await (await helpdesk.GetAsync($"/api/v1/tickets/{ticket}/time-entries")).Read<List<TimeEntryView>>()).All(e => e.Billed));

        var csv = await sales.GetAsync($"/api/v1/statements/csv?{query}");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Contains("PlanFee,Business Standard Support,1.00,290.00,290.00,0.00", text, StringComparison.Ordinal);
        Assert.Contains($"Total,,,,{closed.Total.ToString("0.00", CultureInfo.InvariantCulture)},0.00", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Statements_are_for_commercial_agents_of_past_months_of_reachable_customers()
    {
        var sales = await app.ClientFor(Demo.ContosoSales);
        var thisMonth = lastMonth.AddMonths(1).ToString("yyyy-MM", CultureInfo.InvariantCulture);

        await (await sales.PostAsJsonAsync("/api/v1/statements/close", new { customerId = DemoWorld.Ids.Litware, month = thisMonth })).ProblemNaming("month");
        await (await sales.PostAsJsonAsync("/api/v1/statements/close", new { customerId = DemoWorld.Ids.Litware, month = "November" })).ProblemNaming("month");
        await (await sales.GetAsync($"/api/v1/statements?customerId={DemoWorld.Ids.Tailspin}&month={Month}")).ProblemNaming("month"); // no contract
        Assert.Equal(HttpStatusCode.NotFound, (await sales.GetAsync($"/api/v1/statements?customerId={DemoWorld.Ids.WideWorldImporters}&month={Month}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientFor(Demo.ContosoHelpdesk)).GetAsync($"/api/v1/statements?customerId={DemoWorld.Ids.Litware}&month={Month}")).StatusCode);

        // Fabrikam resells Northwind's care: its statement shows what the provider costs and the margin.
        var fabrikam = await app.ClientFor(Demo.FabrikamAdmin);
        var woodgrove = await (await fabrikam.GetAsync($"/api/v1/statements?customerId={DemoWorld.Ids.WoodgroveBank}&month={Month}")).Read<StatementView>();
        Assert.Equal(400m, woodgrove.Total); // the contract's monthly fee overrides the plan's 150
        Assert.Equal(40m, woodgrove.ProviderCost);
        Assert.Equal(360m, woodgrove.Margin);
    }

    [Fact]
    public async Task Time_logged_while_the_month_closes_waits_for_the_close_and_is_refused()
    {
        var ticket = await LitwareTicket();
        var helpdesk = await app.ClientFor(Demo.ContosoHelpdesk);
        var workedOn = lastMonth.AddDays(9);
        var logged = await app.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            // A close, by hand: its turn taken and its statement written, not yet committed.
            await using var closing = await db.Database.BeginTransactionAsync();
            await BillingTurn.Take(db, DemoWorld.Ids.Litware, default);
            db.Statements.Add(new Statement
            {
                OrganisationId = DemoWorld.Ids.Contoso,
                CustomerId = DemoWorld.Ids.Litware,
                PlanName = "Business Standard Support",
                Month = lastMonth,
                Currency = "EUR",
                ClosedAt = app.Clock.GetUtcNow(),
                ClosedBy = "Megan Bowen",
            });
            await db.SaveChangesAsync();
            var log = helpdesk.PostAsJsonAsync($"/api/v1/tickets/{ticket}/time-entries", new { minutes = 45, workedOn = workedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
            await WaitsForItsTurn(db, log);
            await closing.CommitAsync();
            return await log;
        });

        var refused = await logged.Problem(HttpStatusCode.Conflict);
        Assert.StartsWith("The month is closed", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(await app.InDatabase(DemoWorld.Ids.Contoso, db => db.TimeEntries.AnyAsync(e => e.TicketId == ticket && e.WorkedOn == workedOn)));
    }

    [Fact]
    public async Task A_month_closing_while_time_is_logged_waits_and_bills_that_time()
    {
        var ticket = await LitwareTicket();
        var sales = await app.ClientFor(Demo.ContosoSales);
        var entryId = Guid.CreateVersion7();
        var closed = await app.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            // Time being logged, by hand: its turn taken and the entry written, not yet committed.
            await using var logging = await db.Database.BeginTransactionAsync();
            await BillingTurn.Take(db, DemoWorld.Ids.Litware, default);
            db.TimeEntries.Add(new TimeEntry
            {
                Id = entryId,
                OrganisationId = DemoWorld.Ids.Contoso,
                CustomerId = DemoWorld.Ids.Litware,
                TicketId = ticket,
                AgentId = DemoWorld.Ids.ContosoHelpdesk,
                AgentName = "Diego Siciliani",
                Minutes = 90,
                WorkedOn = lastMonth.AddDays(2),
                CreatedAt = app.Clock.GetUtcNow(),
            });
            await db.SaveChangesAsync();
            var close = sales.PostAsJsonAsync("/api/v1/statements/close", new { customerId = DemoWorld.Ids.Litware, month = Month });
            await WaitsForItsTurn(db, close);
            await logging.CommitAsync();
            return await close;
        });

        var statement = await closed.Read<StatementView>(HttpStatusCode.Created);
        Assert.Equal(statement.Id, await app.InDatabase(DemoWorld.Ids.Contoso, db => db.TimeEntries.Where(e => e.Id == entryId).Select(e => e.StatementId).FirstAsync()));
    }

    /// <summary>
    /// Returns once the request waits for the customer's billing turn (PostgreSQL shows it waiting on the
    /// advisory lock) or has answered (the bug: it did not wait). SQLite shows no waiters: the request gets a
    /// second to reach the host's write gate; a slow machine can only hide the bug there, not fail the test.
    /// </summary>
    private static async Task WaitsForItsTurn(PartnerDeskDb db, Task request)
    {
        if (!TestDatabase.IsPostgres)
        {
            await Task.WhenAny(request, Task.Delay(TimeSpan.FromSeconds(1)));
            return;
        }

        await using var watch = new NpgsqlConnection(db.Database.GetConnectionString());
        await watch.OpenAsync();
        for (var i = 0; i < 600 && !request.IsCompleted; i++)
        {
            await using var waiting = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'", watch);
            if ((long)(await waiting.ExecuteScalarAsync())! > 0)
            {
                return;
            }

            await Task.Delay(50);
        }
    }
}
