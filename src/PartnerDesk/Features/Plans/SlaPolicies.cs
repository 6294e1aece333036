using System.Collections.Concurrent;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.ScaleOut;

namespace PartnerDesk.Features.Plans;

/// <summary>A condition of a mixed plan under which a ticket goes to the provider (empty parts match anything).</summary>
public sealed record RoutingRule(bool OutsideServiceHours, Severity? Severity, string? Service);

/// <summary>The targets of one severity.</summary>
public sealed record SlaTarget(TimeSpan FirstResponse, TimeSpan? NextResponse, TimeSpan? Resolution, bool AroundTheClock);

/// <summary>A plan as tickets need it: calendar, pause option, targets per severity, and who works which tickets.</summary>
public sealed record SlaPolicy(Guid PlanId, BusinessCalendar Calendar, bool PauseWhileEscalated, IReadOnlyDictionary<Severity, SlaTarget> Targets)
{
    public SupportDelivery Delivery { get; init; }
    public Guid? ProviderOrganisationId { get; init; }
    public string? ProviderName { get; init; }
    public IReadOnlyList<RoutingRule> Rules { get; init; } = [];

    private readonly BusinessCalendar twentyFourSeven = BusinessCalendar.TwentyFourSeven(Calendar.TimeZoneId);

    public BusinessCalendar CalendarFor(SlaTarget target) => target.AroundTheClock ? twentyFourSeven : Calendar;
}

/// <summary>
/// Plans as the SLA clock needs them, kept for a minute (the sweep and every ticket change read them).
/// A plan or calendar changed on this instance is forgotten at once; with Redis, on the other instances as soon as
/// they hear of it (else, or while Redis is away, within the minute).
/// </summary>
public sealed class SlaPolicies(TimeProvider clock, InstanceBus bus)
{
    public const string Topic = "sla-policies";

    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<Guid, (SlaPolicy? Policy, DateTimeOffset LoadedAt)> plans = new();
    private readonly ConcurrentDictionary<Guid, (List<(Guid PlanId, DateOnly StartsOn, DateOnly? EndsOn, string TimeZone)> Contracts, DateTimeOffset LoadedAt)> contracts = new();

    public void Forget(Guid planId)
    {
        plans.TryRemove(planId, out _);
        bus.Publish(Topic, planId.ToString("N"));
    }

    public void ForgetAll()
    {
        ForgetHere(InstanceBus.Everything);
        bus.Publish(Topic, InstanceBus.Everything);
    }

    /// <summary>What another instance changed (a plan's id, or everything).</summary>
    public void ForgetHere(string what)
    {
        if (Guid.TryParse(what, out var planId))
        {
            plans.TryRemove(planId, out _);
            return;
        }

        plans.Clear();
        contracts.Clear(); // a calendar's time zone decides a contract's days
    }

    public async ValueTask<SlaPolicy?> Get(PartnerDeskDb db, Guid planId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (plans.TryGetValue(planId, out var known) && now - known.LoadedAt < KeepFor)
        {
            return known.Policy;
        }

        var plan = await Unfiltered.PlanOfTicket(db, planId, ct);
        var policy = plan?.Calendar is null ? null : new SlaPolicy(
            plan.Id,
            plan.Calendar.ToBusinessCalendar(),
            plan.PauseWhileEscalated,
            plan.Targets.ToDictionary(
                t => t.Severity,
                t => new SlaTarget(
                    TimeSpan.FromMinutes(t.FirstResponseMinutes),
                    t.NextResponseMinutes is { } n ? TimeSpan.FromMinutes(n) : null,
                    t.ResolutionMinutes is { } r ? TimeSpan.FromMinutes(r) : null,
                    t.AroundTheClock)))
        {
            Delivery = plan.Delivery,
            ProviderOrganisationId = plan.ProviderOrganisationId,
            ProviderName = plan.ProviderName,
            Rules = [.. plan.RoutingRules.OrderBy(r => r.Id).Select(r => new RoutingRule(r.OutsideServiceHours, r.Severity, r.Service))],
        };
        plans[planId] = (policy, now);
        return policy;
    }

    /// <summary>
    /// The plan of the customer's contract at an instant. A contract's days are the days of its plan's service
    /// hours' time zone: a ticket at 00:30 in Berlin on a contract's first day is covered, whatever the UTC date.
    /// A customer's contracts are kept for a minute (every new ticket asks); a contract changed on this
    /// instance is forgotten at once.
    /// </summary>
    public async ValueTask<Guid?> PlanOf(PartnerDeskDb db, Guid organisationId, Guid customerId, DateTimeOffset at, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (!contracts.TryGetValue(customerId, out var known) || now - known.LoadedAt >= KeepFor)
        {
            known = (await Unfiltered.ContractsOf(db, organisationId, customerId, ct), now);
            contracts[customerId] = known;
        }

        foreach (var (planId, starts, ends, zone) in known.Contracts)
        {
            var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var z) ? z : TimeZoneInfo.Utc).DateTime);
            if (starts <= local && (ends is null || local <= ends))
            {
                return planId;
            }
        }

        return null;
    }

    public void ForgetContracts(Guid customerId) => contracts.TryRemove(customerId, out _);
}
