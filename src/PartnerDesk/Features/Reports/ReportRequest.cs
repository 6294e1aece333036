using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Reports;

/// <summary>
/// A report's query string, as the API and the pages send it: the period (ISO dates, both days included, UTC), the
/// filters, and for the API the format (json or csv) and which table a CSV holds. Read as text so that every bad value
/// is a 400 naming its field, never a binding failure.
/// </summary>
public sealed record ReportRequest(
    string? From = null,
    string? To = null,
    string? CustomerId = null,
    string? PlanId = null,
    string? Service = null,
    string? Severity = null,
    string? AgentId = null,
    string? Channel = null,
    string? Format = null,
    string? Table = null);

/// <summary>What the tickets of a report are narrowed to; every field may be left out.</summary>
public sealed record ReportFilter(
    Guid? CustomerId = null,
    Guid? PlanId = null,
    string? Service = null,
    Severity? Severity = null,
    Guid? AgentId = null,
    Channel? Channel = null)
{
    /// <summary>
    /// Narrows tickets the caller already sees (the context's filters decide that: organisation, GDAP reach, a contact's
    /// own customer); never widens them.
    /// </summary>
    public IQueryable<Ticket> Apply(IQueryable<Ticket> tickets)
    {
        if (CustomerId is { } customer)
        {
            tickets = tickets.Where(t => t.CustomerId == customer);
        }

        if (PlanId is { } plan)
        {
            tickets = tickets.Where(t => t.PlanId == plan);
        }

        if (Service is { } service)
        {
            tickets = tickets.Where(t => t.Service == service);
        }

        if (Severity is { } severity)
        {
            tickets = tickets.Where(t => t.Severity == severity);
        }

        if (AgentId is { } agent)
        {
            tickets = tickets.Where(t => t.AssigneeAgentId == agent);
        }

        if (Channel is { } channel)
        {
            tickets = tickets.Where(t => t.Channel == channel);
        }

        return tickets;
    }
}

public static class ReportInput
{
    /// <summary>
    /// The period and filters of a request, or the errors naming each bad field. Ids must name a customer, plan or agent
    /// the caller sees (through the same filtered sets as every list), so another organisation's ids are unknown here.
    /// </summary>
    public static async Task<(ReportPeriod? Period, ReportFilter Filter, FieldErrors Errors)> Read(ReportRequest r, PartnerDeskDb db, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var period = ReportPeriod.Parse(r.From, r.To, now, errors);
        var customer = Id("customerId", r.CustomerId, errors);
        var plan = Id("planId", r.PlanId, errors);
        var agent = Id("agentId", r.AgentId, errors);
        var severity = Enumerated<Severity>("severity", r.Severity, errors);
        var channel = Enumerated<Channel>("channel", r.Channel, errors);
        var service = string.IsNullOrWhiteSpace(r.Service) ? null : r.Service.Trim();
        if (service is { Length: > TicketLimits.Service })
        {
            errors.Add("service", $"At most {TicketLimits.Service} characters.");
        }

        if (r.Format is not (null or "" or "json" or "csv"))
        {
            errors.Add("format", "json or csv.");
        }

        if (customer is { } c && !await db.Customers.AnyAsync(x => x.Id == c, ct))
        {
            errors.Add("customerId", "No such customer.");
        }

        if (plan is { } p && !await db.SupportPlans.AnyAsync(x => x.Id == p, ct))
        {
            errors.Add("planId", "No such plan.");
        }

        if (agent is { } a && !await db.Agents.AnyAsync(x => x.Id == a, ct))
        {
            errors.Add("agentId", "No such agent.");
        }

        return (period, new ReportFilter(customer, plan, service, severity, agent, channel), errors);
    }

    private static Guid? Id(string field, string? text, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (Guid.TryParse(text, out var id))
        {
            return id;
        }

        errors.Add(field, "Not an id.");
        return null;
    }

    private static T? Enumerated<T>(string field, string? text, FieldErrors errors)
        where T : struct, Enum
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        // Exact names only, as the API's enum converter: "1" or "a, b" are not severities.
        if (Enum.GetNames<T>().Contains(text, StringComparer.Ordinal))
        {
            return Enum.Parse<T>(text);
        }

        errors.Add(field, $"Use one of: {string.Join(", ", Enum.GetNames<T>())}.");
        return null;
    }
}
