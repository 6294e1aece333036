using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Notifications;
using PartnerDesk.Features.Sla;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Plans;

/// <summary>
/// The SLA on tickets, end to end over the API: Litware's Business Standard Support (Europe/Berlin, Monday to
/// Friday 08:00–18:00; severity B: first response 4 h, next response 8 h, resolution 40 h).
/// One host per test: each moves the clock to a Monday morning of its own.
/// </summary>
public sealed class SlaTests : IAsyncLifetime
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private PartnerDeskApp app = null!;
    private DateTimeOffset monday;

    public async ValueTask InitializeAsync()
    {
        app = await PartnerDeskApp.StartAsync();
        // The next Monday 10:00 in Berlin, at least a day away.
        var local = TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), Berlin).Date.AddDays(1);
        while (local.DayOfWeek != DayOfWeek.Monday)
        {
            local = local.AddDays(1);
        }

        monday = At(local.AddHours(10));
        MoveTo(monday);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private static DateTimeOffset At(DateTime berlinLocal) => new DateTimeOffset(berlinLocal, Berlin.GetUtcOffset(berlinLocal)).ToUniversalTime();

    private void MoveTo(DateTimeOffset instant)
    {
        app.Clock.SetUtcNow(instant.ToUniversalTime());
        app.ForgetTokens(); // sessions last an hour
    }

    private Task<int> Sweep() => app.Services.GetRequiredService<SlaSweep>().RunOnce(TestContext.Current.CancellationToken);

    private async Task<TicketDetails> File(string contact, Severity severity = Severity.B)
    {
        var client = await app.ClientFor(contact);
        return await (await client.PostAsJsonAsync("/api/v1/tickets", new { title = "OneDrive does not sync", description = "Files stay pending since the update.", severity = severity.ToString(), kind = "Incident" }))
            .Read<TicketDetails>(HttpStatusCode.Created);
    }

    private async Task<TicketDetails> Read(Guid id) =>
        await (await (await app.ClientFor(Demo.ContosoAdmin)).GetAsync($"/api/v1/tickets/{id}")).Read<TicketDetails>();

    [Fact]
    public async Task A_ticket_warns_at_75_percent_breaches_at_100_and_both_reach_the_queue_once()
    {
        var ticket = await File(Demo.LitwareIt);
        Assert.Equal(monday.AddHours(4), ticket.Sla!.FirstResponseDueAt);
        Assert.Equal(SlaState.Running, ticket.Sla.State);
        Assert.Equal(DemoWorld.Ids.ContosoStandard, ticket.Sla.PlanId);

        MoveTo(monday.AddHours(3).AddMinutes(1));
        Assert.True(await Sweep() >= 1);
        Assert.Equal(SlaState.Warning, (await Read(ticket.Id)).Sla!.State);
        Assert.Equal(0, await Sweep()); // nothing more falls due yet

        MoveTo(monday.AddHours(4).AddSeconds(20));
        await Sweep();
        var breached = await Read(ticket.Id);
        Assert.Equal(SlaState.Breached, breached.Sla!.State);
        Assert.Equal(SlaTargets.FirstResponse, breached.Sla.Breached);

        var helpdesk = await app.ClientFor(Demo.ContosoHelpdesk);
        var alerts = (await (await helpdesk.GetAsync("/api/v1/alerts")).Read<List<AgentAlertView>>()).Where(a => a.TicketId == ticket.Id).ToList();
        Assert.Equal(["SlaBreach", "SlaWarning"], alerts.Select(a => a.Kind));
        var breaches = (await (await helpdesk.GetAsync($"/api/v1/sla-breaches?customerId={DemoWorld.Ids.Litware}")).Read<List<SlaBreachView>>()).Where(b => b.TicketId == ticket.Id).ToList();
        Assert.Equal((SlaTargets.FirstResponse, monday.AddHours(4)), (Assert.Single(breaches).Target, breaches[0].DueAt));
        var history = await (await helpdesk.GetAsync($"/api/v1/tickets/{ticket.Id}/history")).Read<List<TicketEventView>>();
        Assert.Equal(["SlaWarning", "SlaBreach"], history.Where(e => e.Change.StartsWith("Sla", StringComparison.Ordinal)).Select(e => e.Change));

        // Fabrikam's agents see none of it; contacts have no alerts.
        var fabrikam = await (await (await app.ClientFor(Demo.FabrikamAdmin)).GetAsync("/api/v1/alerts")).Read<List<AgentAlertView>>();
        Assert.DoesNotContain(fabrikam, a => a.TicketId == ticket.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientFor(Demo.LitwareIt)).GetAsync("/api/v1/alerts")).StatusCode);
    }

    [Fact]
    public async Task Responses_meet_targets_a_customer_reply_starts_the_next_response_clock_and_waiting_on_the_customer_pauses_it()
    {
        var ticket = await File(Demo.LitwareIt);
        var url = $"/api/v1/tickets/{ticket.Id}";
        MoveTo(monday.AddHours(1));
        var helpdesk = await app.ClientFor(Demo.ContosoHelpdesk);
        await (await helpdesk.PostAsJsonAsync($"{url}/messages", new { body = "Which OneDrive version?", visibility = "Public" })).Read<TicketMessageView>(HttpStatusCode.Created);
        var answered = await Read(ticket.Id);
        Assert.Equal(monday.AddHours(1), answered.Sla!.FirstRespondedAt);
        Assert.Null(answered.Sla.FirstResponseDueAt);
        Assert.Null(answered.Sla.NextResponseDueAt);
        Assert.Equal(SlaState.Running, answered.Sla.State);
        Assert.Equal(answered.Sla.ResolutionDueAt, answered.Sla.DueAt);

        MoveTo(monday.AddHours(4)); // 14:00: 4 h left today, 4 h tomorrow
        var litware = await app.ClientFor(Demo.LitwareIt);
        await (await litware.PostAsJsonAsync($"{url}/messages", new { body = "Version 24.201." })).Read<TicketMessageView>(HttpStatusCode.Created);
        Assert.Equal(monday.AddDays(1).AddHours(2), (await Read(ticket.Id)).Sla!.NextResponseDueAt);

        helpdesk = await app.ClientFor(Demo.ContosoHelpdesk);
        var pending = await (await helpdesk.PatchAsJsonAsync(url, new { status = "PendingCustomer" })).Read<TicketDetails>();
        Assert.Equal(SlaState.Paused, pending.Sla!.State);
        Assert.Null(pending.Sla.DueAt);
        Assert.Null(pending.Sla.NextResponseDueAt);

        MoveTo(monday.AddHours(6)); // two hours pass on hold, then the customer is back
        litware = await app.ClientFor(Demo.LitwareIt);
        await (await litware.PostAsJsonAsync($"{url}/messages", new { body = "Still broken after the restart." })).Read<TicketMessageView>(HttpStatusCode.Created);
        var back = await Read(ticket.Id);
        Assert.Equal(TicketStatus.Open, back.Status);
        Assert.Equal(SlaState.Running, back.Sla!.State);
        // From the first unanswered reply (14:00), standing while on hold (14:00–16:00): 2 h today, 6 h tomorrow.
        Assert.Equal(monday.AddDays(1).AddHours(4), back.Sla.NextResponseDueAt);
    }

    [Fact]
    public async Task A_reply_after_the_due_time_records_the_breach_even_before_the_sweep_sees_it()
    {
        var ticket = await File(Demo.LitwareIt);
        MoveTo(monday.AddHours(5));
        var helpdesk = await app.ClientFor(Demo.ContosoHelpdesk);

        await (await helpdesk.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/messages", new { body = "Sorry for the wait.", visibility = "Public" })).Read<TicketMessageView>(HttpStatusCode.Created);

        var breach = await app.InDatabase(DemoWorld.Ids.Contoso, db => db.SlaBreaches.SingleAsync(b => b.TicketId == ticket.Id));
        Assert.Equal((SlaTargets.FirstResponse, monday.AddHours(4)), (breach.Target, breach.DueAt));
        Assert.Equal(SlaTargets.FirstResponse, (await Read(ticket.Id)).Sla!.Breached);
        Assert.Equal(0, await app.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.CountAsync(t => t.Id == ticket.Id && t.SlaCheckAt <= monday.AddHours(5))));
    }

    [Fact]
    public async Task A_late_answer_to_a_customer_reply_is_one_breach_and_the_next_cycle_starts_clean()
    {
        var ticket = await File(Demo.LitwareIt);
        var url = $"/api/v1/tickets/{ticket.Id}/messages";
        MoveTo(monday.AddHours(1));
        await (await (await app.ClientFor(Demo.ContosoHelpdesk)).PostAsJsonAsync(url, new { body = "Which version?", visibility = "Public" })).Read<TicketMessageView>(HttpStatusCode.Created);
        MoveTo(monday.AddHours(2));
        await (await (await app.ClientFor(Demo.LitwareIt)).PostAsJsonAsync(url, new { body = "24.201." })).Read<TicketMessageView>(HttpStatusCode.Created);

        MoveTo(monday.AddDays(1).AddHours(2)); // 8 business hours later: next response overdue
        await Sweep();
        Assert.Equal(SlaState.Breached, (await Read(ticket.Id)).Sla!.State);
        MoveTo(monday.AddDays(1).AddHours(3));
        await (await (await app.ClientFor(Demo.ContosoHelpdesk)).PostAsJsonAsync(url, new { body = "Fixed in 24.202.", visibility = "Public" })).Read<TicketMessageView>(HttpStatusCode.Created);

        var answered = await Read(ticket.Id);
        Assert.Equal(SlaTargets.None, answered.Sla!.Breached & SlaTargets.NextResponse);
        Assert.Equal(SlaState.Running, answered.Sla.State);
        Assert.Equal(1, await app.InDatabase(DemoWorld.Ids.Contoso, db => db.SlaBreaches.CountAsync(b => b.TicketId == ticket.Id && b.Target == SlaTargets.NextResponse)));

        await (await (await app.ClientFor(Demo.LitwareIt)).PostAsJsonAsync(url, new { body = "Thanks, and one more question." })).Read<TicketMessageView>(HttpStatusCode.Created);
        Assert.Equal(SlaState.Running, (await Read(ticket.Id)).Sla!.State); // a new cycle, not breached from its first minute
    }

    [Fact]
    public async Task A_save_from_a_stale_copy_of_a_ticket_fails_instead_of_overwriting_the_newer_one()
    {
        var ticket = await File(Demo.LitwareIt);
        await using var first = app.Services.CreateAsyncScope();
        await using var second = app.Services.CreateAsyncScope();
        first.ServiceProvider.GetRequiredService<Platform.Tenancy.Caller>().ActAsSystem(DemoWorld.Ids.Contoso);
        second.ServiceProvider.GetRequiredService<Platform.Tenancy.Caller>().ActAsSystem(DemoWorld.Ids.Contoso);
        var a = first.ServiceProvider.GetRequiredService<Platform.Data.PartnerDeskDb>();
        var b = second.ServiceProvider.GetRequiredService<Platform.Data.PartnerDeskDb>();
        var copyA = await a.Tickets.SingleAsync(t => t.Id == ticket.Id);
        var copyB = await b.Tickets.SingleAsync(t => t.Id == ticket.Id);

        copyA.Severity = Severity.A;
        await a.SaveChangesAsync();
        copyB.Status = TicketStatus.PendingCustomer;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => b.SaveChangesAsync());
        var saved = await app.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.AsNoTracking().SingleAsync(t => t.Id == ticket.Id));
        Assert.Equal((Severity.A, TicketStatus.New), (saved.Severity, saved.Status));
    }

    [Fact]
    public async Task Severity_a_of_a_premium_plan_counts_round_the_clock_and_a_customer_without_contract_has_no_sla()
    {
        var saturdayNight = At(TimeZoneInfo.ConvertTime(monday, Berlin).DateTime.AddDays(5).AddHours(13)); // Saturday 23:00
        MoveTo(saturdayNight);

        var adatum = await File(Demo.AdatumIt, Severity.A);
        Assert.Equal(saturdayNight.AddMinutes(30), adatum.Sla!.FirstResponseDueAt);
        var tailspin = await File(Demo.TailspinIt, Severity.A);
        Assert.Equal(SlaState.None, tailspin.Sla!.State);
        Assert.Null(tailspin.Sla.PlanId);

        var queue = await app.InDatabase(DemoWorld.Ids.Contoso, db => TicketQueue.Handle(new QueueQuery { Sort = QueueSort.DueSoonest, PageSize = 100 }, db));
        var dues = queue.Items.Select(t => t.SlaDueAt).ToList();
        var withDue = dues.TakeWhile(d => d is not null).ToList();
        Assert.NotEmpty(withDue);
        Assert.Equal(withDue.Order(), withDue);
        Assert.All(dues.Skip(withDue.Count), d => Assert.Null(d)); // those without an SLA come last
        Assert.Contains(queue.Items.Skip(withDue.Count), t => t.Id == tailspin.Id);

        var secondPage = await app.InDatabase(DemoWorld.Ids.Contoso, db => TicketQueue.Handle(new QueueQuery { Sort = QueueSort.DueSoonest, PageSize = 2, Page = 1 }, db));
        Assert.Equal(queue.Items.Skip(2).Take(2).Select(t => t.Id), secondPage.Items.Select(t => t.Id));
    }
}
