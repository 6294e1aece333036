using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.ServiceHealth;

public sealed record KnownIssueMatchQuery(Guid? CustomerId, string? Title, string? Description, string? Service);

public sealed record LinkKnownIssueRequest(Guid? IssueId);

public sealed record ResolveLinkedTicketsRequest(string? Message);

public sealed record ResolvedTickets(int Resolved);

/// <summary>The links between tickets and Microsoft's issues: found at filing, shown before filing, confirmed or undone by agents.</summary>
public static class KnownIssueLinks
{
    public const string Matcher = "PartnerDesk";

    /// <summary>Links for a ticket being filed, saved with it.</summary>
    public static async Task<List<TicketIssueLink>> ForNewTicket(PartnerDeskDb db, ActiveIssues active, Ticket ticket, CancellationToken ct)
    {
        if (ticket.Kind == TicketKind.SubscriptionChange)
        {
            return [];
        }

        var issues = await active.Of(db, ticket.OrganisationId, ticket.CustomerId, ct);
        if (issues.Count == 0)
        {
            return [];
        }

        var matches = KnownIssueMatcher.Match(KnownIssueMatcher.PrepareTicket(ticket.Title, ticket.Description, ticket.Service), issues);
        return matches.ConvertAll(m => new TicketIssueLink
        {
            OrganisationId = ticket.OrganisationId,
            CustomerId = ticket.CustomerId,
            TicketId = ticket.Id,
            IssueId = m.IssueId,
            State = KnownIssueLinkState.Suggested,
            Score = m.Score,
            LinkedAt = ticket.CreatedAt,
            LinkedBy = Matcher,
        });
    }

    /// <summary>What the portal shows while a contact writes: the known issues the text so far matches.</summary>
    public static async Task<Outcome<IReadOnlyList<KnownIssueView>>> Suggest(KnownIssueMatchQuery query, PartnerDeskDb db, ActiveIssues active, CancellationToken ct)
    {
        var caller = db.Caller;
        var errors = new FieldErrors()
            .MaxLength("title", query.Title, TicketLimits.Title)
            .MaxLength("description", query.Description, TicketLimits.Body)
            .MaxLength("service", query.Service, TicketLimits.Service);
        var customerId = caller.IsContact ? caller.CustomerId : query.CustomerId;
        if (customerId is null)
        {
            errors.Add("customerId", "The customerId field is required.");
        }
        else if (caller.IsContact && query.CustomerId is { } asked && asked != customerId)
        {
            errors.Add("customerId", "A contact asks about its own customer only.");
        }
        else if (!errors.Any && !await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            errors.Add("customerId", "No customer with this id is reachable.");
        }

        if (errors.Any)
        {
            return errors;
        }

        // The customer is reachable (checked above), so its issues are the ones every caller reaching it sees.
        var issues = await active.Of(db, caller.RequireOrganisation(), customerId!.Value, ct);
        var matches = KnownIssueMatcher.Match(KnownIssueMatcher.PrepareTicket(query.Title ?? "", query.Description ?? "", query.Service), issues);
        if (matches.Count == 0)
        {
            return Array.Empty<KnownIssueView>();
        }

        var views = await Views(db, [.. matches.Select(m => m.IssueId)], ct);
        return matches.Select(m => views[m.IssueId] with { Score = m.Score }).ToList();
    }

    public static async Task<Outcome<IReadOnlyList<TicketKnownIssueView>>> OfTicket(Guid ticketId, PartnerDeskDb db, CancellationToken ct)
    {
        if (!await db.Tickets.AnyAsync(t => t.Id == ticketId, ct))
        {
            return Outcome<IReadOnlyList<TicketKnownIssueView>>.Missing;
        }

        var links = await db.TicketIssueLinks.AsNoTracking().Where(l => l.TicketId == ticketId).OrderByDescending(l => l.Score).ToListAsync(ct);
        var views = await Views(db, [.. links.Select(l => l.IssueId)], ct);
        return links.Where(l => views.ContainsKey(l.IssueId))
            .Select(l => new TicketKnownIssueView(views[l.IssueId] with { Score = l.Score }, l.State, l.LinkedAt, l.LinkedBy))
            .ToList();
    }

    /// <summary>An agent confirms a suggested link, or links an issue PartnerDesk did not suggest.</summary>
    public static async Task<Outcome<TicketKnownIssueView>> Confirm(Guid ticketId, LinkKnownIssueRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var caller = db.Caller;
        var ticket = await db.Tickets.FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null)
        {
            return Outcome<TicketKnownIssueView>.Missing;
        }

        if (request.IssueId is not { } issueId)
        {
            return new FieldErrors().Add("issueId", "The issueId field is required.");
        }

        var issue = await db.ServiceHealthIssues.Where(i => i.Id == issueId).Select(i => new { i.Id, i.MicrosoftId }).FirstOrDefaultAsync(ct);
        if (issue is null)
        {
            return new FieldErrors().Add("issueId", "No service health issue with this id is known.");
        }

        var now = clock.GetUtcNow();
        var link = await db.TicketIssueLinks.FirstOrDefaultAsync(l => l.TicketId == ticketId && l.IssueId == issueId, ct);
        if (link is null)
        {
            link = new TicketIssueLink
            {
                OrganisationId = ticket.OrganisationId,
                CustomerId = ticket.CustomerId,
                TicketId = ticketId,
                IssueId = issueId,
                Score = 1,
                LinkedAt = now,
                LinkedBy = caller.DisplayName,
            };
            db.TicketIssueLinks.Add(link);
        }

        if (link.State != KnownIssueLinkState.Confirmed)
        {
            link.State = KnownIssueLinkState.Confirmed;
            link.LinkedBy = caller.DisplayName;
            db.TicketEvents.Add(TicketHistory.Event(ticket, caller, "KnownIssue", null, issue.MicrosoftId + " confirmed", now));
            ticket.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
        }

        var views = await Views(db, [issueId], ct);
        return new TicketKnownIssueView(views[issueId] with { Score = link.Score }, link.State, link.LinkedAt, link.LinkedBy);
    }

    /// <summary>An agent says the issue is not the cause; the matcher will not link it again.</summary>
    public static async Task<Outcome<bool>> Unlink(Guid ticketId, Guid issueId, PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var caller = db.Caller;
        var ticket = await db.Tickets.FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        var link = ticket is null ? null : await db.TicketIssueLinks.Include(l => l.Issue).FirstOrDefaultAsync(l => l.TicketId == ticketId && l.IssueId == issueId, ct);
        if (ticket is null || link is null)
        {
            return Outcome<bool>.Missing;
        }

        if (link.State != KnownIssueLinkState.Dismissed)
        {
            var now = clock.GetUtcNow();
            link.State = KnownIssueLinkState.Dismissed;
            link.LinkedBy = caller.DisplayName;
            db.TicketEvents.Add(TicketHistory.Event(ticket, caller, "KnownIssue", link.Issue?.MicrosoftId, "unlinked", now));
            ticket.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
        }

        return true;
    }

    /// <summary>
    /// Resolves, in one action, the open tickets linked to an issue Microsoft has resolved, each with a
    /// public reply from the partner. Only tickets the agent may work are touched.
    /// </summary>
    public static async Task<Outcome<ResolvedTickets>> ResolveLinkedTickets(Guid issueId, ResolveLinkedTicketsRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var caller = db.Caller;
        var issue = await db.ServiceHealthIssues.Where(i => i.Id == issueId).Select(i => new { i.MicrosoftId, i.Service, i.IsResolved }).FirstOrDefaultAsync(ct);
        if (issue is null)
        {
            return Outcome<ResolvedTickets>.Missing;
        }

        var errors = new FieldErrors().MaxLength("message", request.Message, TicketLimits.Body);
        if (!issue.IsResolved)
        {
            errors.Add("issueId", "Microsoft has not resolved this issue yet.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var now = clock.GetUtcNow();
        var tickets = await db.Tickets
            .Where(t => t.Status != TicketStatus.Resolved && t.Status != TicketStatus.Closed
                        && db.Set<TicketIssueLink>().Any(l => l.TicketId == t.Id && l.IssueId == issueId && l.State != KnownIssueLinkState.Dismissed))
            .ToListAsync(ct);
        var body = string.IsNullOrWhiteSpace(request.Message)
            ? $"Microsoft has resolved the {issue.Service} service issue ({issue.MicrosoftId}) that caused this problem, so we are resolving your ticket. If you still see the problem, just reply here and we will pick it up again."
            : request.Message.Trim();
        foreach (var ticket in tickets)
        {
            db.TicketMessages.Add(new TicketMessage
            {
                OrganisationId = ticket.OrganisationId,
                CustomerId = ticket.CustomerId,
                TicketId = ticket.Id,
                AuthorUserId = caller.UserId,
                AuthorName = caller.DisplayName,
                AuthorIsAgent = true,
                Body = body,
                Visibility = MessageVisibility.Public,
                CreatedAt = now,
            });
            db.TicketEvents.Add(TicketHistory.Event(ticket, caller, "Reply", null, null, now));
            db.TicketEvents.Add(TicketHistory.Event(ticket, caller, "Status", ticket.Status.ToString(), nameof(TicketStatus.Resolved), now));
            ticket.Status = TicketStatus.Resolved;
            ticket.ResolvedAt = now;
            ticket.UpdatedAt = now;
        }

        await db.SaveChangesAsync(ct);
        return new ResolvedTickets(tickets.Count);
    }

    private static async Task<Dictionary<Guid, KnownIssueView>> Views(PartnerDeskDb db, List<Guid> issueIds, CancellationToken ct) =>
        await db.ServiceHealthIssues.AsNoTracking().Where(i => issueIds.Contains(i.Id))
            .Select(i => new KnownIssueView(
                i.Id, i.MicrosoftId, i.Title, i.Service, i.Status, i.IsResolved,
                db.Set<ServiceHealthPost>().Where(p => p.IssueId == i.Id).OrderByDescending(p => p.CreatedDateTime).Select(p => p.Text).FirstOrDefault(),
                i.LatestPostAt, 0))
            .ToDictionaryAsync(v => v.IssueId, ct);
}

/// <summary>
/// The first step of every diagnosis (DESIGN R3): a ticket being filed, through whatever channel, is matched
/// against the active Microsoft issues of its tenant, and each match is linked and written in its history.
/// </summary>
public sealed class KnownIssueLinker(ActiveIssues active) : ISaveStep
{
    /// <summary>Only adds to the save.</summary>
    public bool ChangesTracked => false;

    public async ValueTask Saving(PartnerDeskDb db, CancellationToken ct)
    {
        List<Ticket>? filed = null;
        foreach (var entry in db.ChangeTracker.Entries<Ticket>())
        {
            if (entry.State == EntityState.Added)
            {
                (filed ??= []).Add(entry.Entity);
            }
        }

        foreach (var ticket in filed ?? [])
        {
            var links = await KnownIssueLinks.ForNewTicket(db, active, ticket, ct);
            if (links.Count == 0)
            {
                continue;
            }

            db.AddRange(links);
            db.AddRange(links.Select(_ => TicketHistory.Event(ticket, db.Caller, "KnownIssue", null, "matched", ticket.CreatedAt)));
        }
    }
}
