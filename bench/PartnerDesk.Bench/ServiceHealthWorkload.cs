using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Bench;

/// <summary>
/// Service health figures (issue 3): the known-issue matcher against 500 active issues, and one incident
/// reaching thousands of customers with an open ticket each, on the seeded database, in process.
/// </summary>
public static class ServiceHealthWorkload
{
    /// <summary>Prepare a new ticket and score it against 500 prepared issues, as filing does.</summary>
    public static LatencySummary MatchLatency(int issueCount = 500, int measured = 5000)
    {
        var pairs = LabelledPairs();
        var distinct = pairs.Select(p => p.Issue).DistinctBy(i => i.Id).ToList();
        var issues = Enumerable.Range(0, issueCount).Select(n =>
        {
            var i = distinct[n % distinct.Count];
            return KnownIssueMatcher.Prepare(new IssueText(Guid.NewGuid(), i.Service, i.Feature, i.FeatureGroup, $"{i.Title} ({n})", i.ImpactDescription));
        }).ToList();
        var tickets = pairs.Select(p => p.Ticket).DistinctBy(t => t.Title + t.Description).ToList();
        var latencies = new Latencies();
        var matched = 0;
        for (var n = 0; n < 1000 + measured; n++)
        {
            var t = tickets[n % tickets.Count];
            var started = Stopwatch.GetTimestamp();
            matched += KnownIssueMatcher.Match(KnownIssueMatcher.PrepareTicket(t.Title, t.Description, t.Service), issues).Count;
            if (n >= 1000)
            {
                latencies.Add(Stopwatch.GetTimestamp() - started);
            }
        }

        return matched > 0 ? latencies.Summarise() : throw new InvalidOperationException("The matcher matched nothing: the labelled set did not load.");
    }

    public sealed record IncidentFigures(int Customers, TimeSpan Link, int Linked, TimeSpan Tell, int Told);

    /// <summary>
    /// An Exchange incident affects every given customer, each with an open ticket about it: the time to
    /// link those tickets (match, link, note, history) and then to queue Microsoft's next post to every
    /// linked ticket and its requester (note, history, notification), each in one transaction.
    /// </summary>
    public static async Task<IncidentFigures> Incident(BenchDatabase database, IReadOnlyList<Guid> customers)
    {
        var organisation = SeedPlan.Organisation;
        var now = DateTimeOffset.UtcNow;
        Guid issueId;
        await using (var db = database.NewContext(System()))
        {
            var counter = await db.TicketNumberCounters.SingleAsync(c => c.OrganisationId == organisation);
            // One contact per customer files the ticket, so that every update has someone to tell.
            var contacts = customers.ToDictionary(c => c, c => new PartnerDesk.Platform.Tenancy.Contact
            {
                Id = Guid.CreateVersion7(),
                OrganisationId = organisation,
                CustomerId = c,
                DisplayName = "Bench contact",
                Email = $"it@{c:N}.example",
            });
            db.Contacts.AddRange(contacts.Values);
            foreach (var customer in customers)
            {
                db.Tickets.Add(new Ticket
                {
                    OrganisationId = organisation,
                    CustomerId = customer,
                    Number = ++counter.LastNumber,
                    Title = "Emails stuck in the Outbox",
                    Description = "Messages we send stay in the Outbox and never leave.",
                    Kind = TicketKind.Incident,
                    Severity = Severity.B,
                    Status = TicketStatus.Open,
                    Service = "Exchange Online",
                    Channel = Channel.Portal,
                    RequesterContactId = contacts[customer].Id,
                    CreatedAt = now.AddMinutes(-10),
                    UpdatedAt = now.AddMinutes(-10),
                });
            }

            var issue = new ServiceHealthIssue
            {
                OrganisationId = organisation,
                MicrosoftId = $"EX{Random.Shared.Next(100000, 999999)}",
                Service = "Exchange Online",
                Feature = "Mail flow",
                Title = "Users may be unable to send email messages, which stay in the Outbox",
                ImpactDescription = "Users may be unable to send email messages from Outlook; affected messages stay in the Outbox or are delayed.",
                Status = "serviceDegradation",
                Classification = IssueClassification.Incident,
                StartDateTime = now.AddHours(-1),
                LastModifiedDateTime = now,
                FirstSeenAt = now,
            };
            db.ServiceHealthIssues.Add(issue);
            db.AffectedCustomers.AddRange(customers.Select(c => new AffectedCustomer { OrganisationId = organisation, IssueId = issue.Id, CustomerId = c, FirstSeenAt = now }));
            await db.SaveChangesAsync();
            issueId = issue.Id;
        }

        var watch = Stopwatch.StartNew();
        int linked;
        await using (var db = database.NewContext(System()))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            linked = await IncidentLifecycle.LinkOpenTickets(db, organisation, issueId, [.. customers], now, CancellationToken.None);
            await transaction.CommitAsync();
        }

        var link = watch.Elapsed;
        watch.Restart();
        int told;
        await using (var db = database.NewContext(System()))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            told = await IncidentLifecycle.TellLinkedTickets(db, organisation, issueId, "We've identified a configuration change and are reverting it.", resolved: false, now.AddMinutes(5), CancellationToken.None);
            await transaction.CommitAsync();
        }

        var tell = watch.Elapsed;
        if (linked < customers.Count || told < customers.Count)
        {
            throw new InvalidOperationException($"Only {linked} tickets linked and {told} told of {customers.Count}.");
        }

        return new IncidentFigures(customers.Count, link, linked, tell, told);
    }

    private static Caller System()
    {
        var caller = new Caller();
        caller.ActAsSystem(SeedPlan.Organisation);
        return caller;
    }

    private sealed record Ticket_(string Title, string Description, string? Service);

    private sealed record Issue_(string Id, string Service, string? Feature, string? FeatureGroup, string Title, string ImpactDescription);

    private sealed record Pair(Ticket_ Ticket, Issue_ Issue, bool Match);

    private static List<Pair> LabelledPairs() => JsonSerializer.Deserialize<List<Pair>>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "known-issue-pairs.json")), JsonSerializerOptions.Web)!;
}
