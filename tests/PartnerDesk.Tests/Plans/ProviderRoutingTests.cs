using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.SupportProviders;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Plans;

/// <summary>
/// Adatum's Business Premium Support is mixed: outside Contoso's service hours (Europe/Berlin, Monday to Friday
/// 08:00–18:00) its tickets go to Alpine Support Services, whose agent sees only those and answers in Contoso's name.
/// </summary>
public sealed class ProviderRoutingTests : IAsyncLifetime
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private PartnerDeskApp app = null!;
    private DateTime saturday;

    public async ValueTask InitializeAsync()
    {
        app = await PartnerDeskApp.StartAsync();
        var local = TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), Berlin).Date.AddDays(1);
        while (local.DayOfWeek != DayOfWeek.Saturday)
        {
            local = local.AddDays(1);
        }

        saturday = local.AddHours(11);
        MoveTo(saturday);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private void MoveTo(DateTime berlinLocal)
    {
        app.Clock.SetUtcNow(new DateTimeOffset(berlinLocal, Berlin.GetUtcOffset(berlinLocal)).ToUniversalTime());
        app.ForgetTokens();
    }

    private async Task Deliver()
    {
        var outbox = app.Services.GetRequiredService<OutboxDispatcher>();
        while (await outbox.RunOnce(TestContext.Current.CancellationToken) > 0)
        {
        }

        // Time passes between what people do. A status handed over is ordered by when it was set (a stale one is
        // dropped); on a frozen clock every change would be "at the same time", and which one counts would depend
        // on the order the outbox happens to take equal-time messages in.
        app.Clock.Advance(TimeSpan.FromSeconds(1));
    }

    private async Task<TicketDetails> File(string contact, string title)
    {
        var client = await app.ClientFor(contact);
        return await (await client.PostAsJsonAsync("/api/v1/tickets", new { title, description = "Since the weekend maintenance nobody can sign in to Teams.", severity = "B", kind = "Incident", service = "Microsoft Teams" }))
            .Read<TicketDetails>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_weekend_ticket_goes_to_alpine_whose_answer_reaches_the_customer_in_contosos_name()
    {
        var filed = await File(Demo.AdatumIt, "Teams sign-in fails");
        var admin = await app.ClientFor(Demo.ContosoAdmin);
        await (await admin.PostAsJsonAsync($"/api/v1/tickets/{filed.Id}/messages", new { body = "Customer is on the premium plan; VIP.", visibility = "Internal" })).Read<TicketMessageView>(HttpStatusCode.Created);
        await Deliver();

        var routing = await (await admin.GetAsync($"/api/v1/tickets/{filed.Id}/routing")).Read<TicketRoutingView>();
        Assert.Equal((TicketRouting.ToProvider, "Alpine Support Services", "outside service hours"), (routing.Direction, routing.Organisation, routing.Reason));

        // Alpine's agent sees the routed ticket, and only what the customer wrote.
        var alpine = await app.ClientFor(Demo.AlpineAgent);
        var queue = await (await alpine.GetAsync("/api/v1/tickets")).Read<Page<TicketSummary>>();
        Assert.All(queue.Items, t => Assert.Equal(Channel.Partner, t.Channel)); // nothing of Contoso's own work
        var theirs = Assert.Single(queue.Items, t => t.Number == routing.TicketNumber);
        Assert.Contains("Teams sign-in fails", theirs.Title, StringComparison.Ordinal);
        var theirMessages = await (await alpine.GetAsync($"/api/v1/tickets/{theirs.Id}/messages")).Read<List<TicketMessageView>>();
        Assert.DoesNotContain(theirMessages, m => m.Body.Contains("VIP", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await alpine.GetAsync($"/api/v1/tickets/{filed.Id}")).StatusCode);
        Assert.Equal(TicketRouting.FromPartner, (await (await alpine.GetAsync($"/api/v1/tickets/{theirs.Id}/routing")).Read<TicketRoutingView>()).Direction);

        // Alpine answers; the customer reads it from Contoso, and Contoso's first-response target is met.
        await (await alpine.PostAsJsonAsync($"/api/v1/tickets/{theirs.Id}/messages", new { body = "Please sign out of all Teams clients and try again.", visibility = "Public" })).Read<TicketMessageView>(HttpStatusCode.Created);
        await (await alpine.PostAsJsonAsync($"/api/v1/tickets/{theirs.Id}/messages", new { body = "Probably the CA policy again.", visibility = "Internal" })).Read<TicketMessageView>(HttpStatusCode.Created);
        await Deliver();
        var adatum = await app.ClientFor(Demo.AdatumIt);
        var seen = await (await adatum.GetAsync($"/api/v1/tickets/{filed.Id}/messages")).Read<List<TicketMessageView>>();
        var answer = Assert.Single(seen);
        Assert.Equal(("Contoso Cloud Services", "Please sign out of all Teams clients and try again."), (answer.AuthorName, answer.Body));
        var partnerTicket = await (await admin.GetAsync($"/api/v1/tickets/{filed.Id}")).Read<TicketDetails>();
        Assert.NotNull(partnerTicket.Sla!.FirstRespondedAt);
        Assert.Equal(TicketStatus.Open, partnerTicket.Status);

        // The customer's reply reaches Alpine; Alpine resolving resolves Contoso's ticket.
        await (await adatum.PostAsJsonAsync($"/api/v1/tickets/{filed.Id}/messages", new { body = "Works again, thanks." })).Read<TicketMessageView>(HttpStatusCode.Created);
        await Deliver();
        Assert.Contains((await (await alpine.GetAsync($"/api/v1/tickets/{theirs.Id}/messages")).Read<List<TicketMessageView>>()), m => m.Body == "Works again, thanks." && !m.AuthorIsAgent);
        await (await alpine.PatchAsJsonAsync($"/api/v1/tickets/{theirs.Id}", new { status = "Resolved" })).Read<TicketDetails>();
        await Deliver();
        Assert.Equal(TicketStatus.Resolved, (await (await admin.GetAsync($"/api/v1/tickets/{filed.Id}")).Read<TicketDetails>()).Status);
    }

    [Fact]
    public async Task Tickets_within_service_hours_and_of_direct_plans_stay_with_the_partner()
    {
        MoveTo(saturday.AddDays(2).AddHours(-1)); // Monday 10:00
        var adatum = await File(Demo.AdatumIt, "Within hours");
        MoveTo(saturday.AddDays(7)); // the next Saturday
        var litware = await File(Demo.LitwareIt, "Litware on a direct plan");
        await Deliver();

        var admin = await app.ClientFor(Demo.ContosoAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/tickets/{adatum.Id}/routing")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/tickets/{litware.Id}/routing")).StatusCode);
        var alpine = await app.ClientFor(Demo.AlpineAgent);
        Assert.DoesNotContain((await (await alpine.GetAsync("/api/v1/tickets")).Read<Page<TicketSummary>>()).Items, t => t.Title.Contains("Within hours", StringComparison.Ordinal) || t.Title.Contains("Litware", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(SupportDelivery.Direct, false, null)]
    [InlineData(SupportDelivery.ResoldFrom, true, "resold support")]
    [InlineData(SupportDelivery.OutsourcedTo, true, "outsourced support")]
    [InlineData(SupportDelivery.Mixed, true, null)]
    [InlineData(SupportDelivery.Mixed, false, "outside service hours")]
    public void The_plan_decides_which_tickets_go_to_the_provider(SupportDelivery delivery, bool withinHours, string? reason)
    {
        RoutingRule[] rules = [new(OutsideServiceHours: true, null, null), new(false, Severity.A, "Exchange Online")];

        Assert.Equal(reason, ProviderRouting.Reason(delivery, rules, Severity.B, "Microsoft Teams", withinHours));
        Assert.Equal("severity A, Exchange Online", ProviderRouting.Reason(SupportDelivery.Mixed, rules, Severity.A, "exchange online", withinServiceHours: true));
    }
}
