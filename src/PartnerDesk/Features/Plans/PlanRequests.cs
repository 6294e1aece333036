using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Plans;

public sealed record PlanPricing(
    decimal? MonthlyFee = null,
    decimal? PerSeatFee = null,
    decimal? IncludedHours = null,
    decimal? HourlyRate = null,
    decimal? PerIncidentFee = null,
    decimal? PrepaidBlockHours = null,
    decimal? PrepaidBlockPrice = null);

public sealed record ProviderCost(decimal? MonthlyFee = null, decimal? HourlyRate = null, decimal? PerIncidentFee = null);

public sealed record SlaTargetDto(Severity? Severity, int? FirstResponseMinutes, int? NextResponseMinutes = null, int? ResolutionMinutes = null, bool? AroundTheClock = null);

public sealed record PhoneLineDto(string? Label, string? Number, bool? AroundTheClock = null, bool? SeverityAOnly = null);

public sealed record RoutingRuleDto(bool? OutsideServiceHours = null, Severity? Severity = null, string? Service = null);

public sealed record PlanRequest(
    string? Name,
    SupportDelivery? Delivery,
    Guid? CalendarId,
    IReadOnlyList<SlaTargetDto>? Targets,
    string? Description = null,
    Guid? ProviderOrganisationId = null,
    string? ProviderName = null,
    IReadOnlyList<string>? CoveredServices = null,
    bool? PauseWhileEscalated = null,
    bool? PortalEnabled = null,
    string? SupportEmail = null,
    IReadOnlyList<PhoneLineDto>? PhoneLines = null,
    IReadOnlyList<RoutingRuleDto>? RoutingRules = null,
    string? Currency = null,
    PlanPricing? Pricing = null,
    ProviderCost? ProviderCost = null);

public sealed record PlanView(
    Guid Id,
    string Name,
    string? Description,
    SupportDelivery Delivery,
    Guid? ProviderOrganisationId,
    string? ProviderName,
    IReadOnlyList<string> CoveredServices,
    Guid CalendarId,
    bool PauseWhileEscalated,
    bool PortalEnabled,
    string? SupportEmail,
    IReadOnlyList<PhoneLineDto> PhoneLines,
    IReadOnlyList<RoutingRuleDto> RoutingRules,
    IReadOnlyList<SlaTargetDto> Targets,
    string Currency,
    PlanPricing Pricing,
    ProviderCost ProviderCost);

public sealed record ContractRequest(
    Guid? CustomerId,
    Guid? PlanId,
    DateOnly? StartsOn,
    DateOnly? EndsOn = null,
    int? Seats = null,
    decimal? MonthlyFee = null,
    decimal? PerSeatFee = null,
    decimal? IncludedHours = null,
    decimal? HourlyRate = null,
    decimal? PerIncidentFee = null,
    decimal? PrepaidHours = null);

public sealed record ContractView(
    Guid Id,
    Guid CustomerId,
    string CustomerName,
    Guid PlanId,
    string PlanName,
    DateOnly StartsOn,
    DateOnly? EndsOn,
    int Seats,
    decimal? MonthlyFee,
    decimal? PerSeatFee,
    decimal? IncludedHours,
    decimal? HourlyRate,
    decimal? PerIncidentFee,
    decimal PrepaidHours);

/// <summary>The checks of plans and contracts: all of a request is checked before any of it is written.</summary>
public static partial class PlanRules
{
    public const decimal MaxAmount = 10_000_000m;
    public const int MaxTargetMinutes = 366 * 24 * 60;

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();

    /// <summary>A price or number of hours: not negative, at most two decimals, not absurd.</summary>
    public static decimal Amount(FieldErrors errors, string field, decimal? value, decimal fallback = 0)
    {
        if (value is not { } v)
        {
            return fallback;
        }

        if (v < 0)
        {
            errors.Add(field, "Amounts cannot be negative.");
        }
        else if (v > MaxAmount)
        {
            errors.Add(field, $"Amounts are at most {MaxAmount:N0}.");
        }
        else if (decimal.Round(v, 2) != v)
        {
            errors.Add(field, "Amounts have at most two decimals.");
        }

        return v;
    }

    public static async Task<FieldErrors?> Apply(PlanRequest request, SupportPlan plan, PartnerDeskDb db, CancellationToken ct)
    {
        var errors = new FieldErrors()
            .Required("name", request.Name, 200)
            .MaxLength("description", request.Description, 4000)
            .MaxLength("providerName", request.ProviderName, 200)
            .Defined("delivery", request.Delivery);
        var delivery = request.Delivery ?? SupportDelivery.Direct;
        if (request.Delivery is null)
        {
            errors.Add("delivery", "The delivery field is required (Direct, ResoldFrom, OutsourcedTo or Mixed).");
        }

        if (request.Name is { } name && name.Trim() != plan.Name
            && await db.Set<SupportPlan>().AnyAsync(p => p.Name == name.Trim() && p.Id != plan.Id, ct))
        {
            errors.Add("name", "Another plan has this name.");
        }

        if (request.CalendarId is not { } calendarId)
        {
            errors.Add("calendarId", "The calendarId field is required: the plan's service hours.");
        }
        else if (!await db.Set<SupportCalendar>().AnyAsync(c => c.Id == calendarId, ct))
        {
            errors.Add("calendarId", "No calendar with this id is in your organisation.");
        }

        string? providerName = request.ProviderName?.Trim() is { Length: > 0 } given ? given : null;
        if (delivery == SupportDelivery.Direct)
        {
            if (request.ProviderOrganisationId is not null || providerName is not null)
            {
                errors.Add("providerOrganisationId", "A directly delivered plan has no support provider.");
            }
        }
        else
        {
            if (request.ProviderOrganisationId is { } providerId)
            {
                // A support provider is another organisation: looked up past the filters, by id and kind only.
                var provider = providerId == db.Caller.OrganisationId ? null : await Unfiltered.SupportProviderName(db, providerId, ct);
                if (provider is null)
                {
                    errors.Add("providerOrganisationId", "No support provider organisation with this id uses this installation.");
                }
                else
                {
                    providerName ??= provider;
                }
            }
            else if (delivery is SupportDelivery.OutsourcedTo or SupportDelivery.Mixed)
            {
                errors.Add("providerOrganisationId", "Outsourced and mixed plans name the support provider organisation that works the tickets.");
            }

            if (providerName is null && !errors.Has("providerOrganisationId"))
            {
                errors.Add("providerName", "Resold support names the company it comes from.");
            }
        }

        var services = new List<string>();
        foreach (var (service, i) in (request.CoveredServices ?? []).Select((s, i) => (s?.Trim(), i)))
        {
            if (string.IsNullOrEmpty(service) || service.Length > TicketLimits.Service)
            {
                errors.Add($"coveredServices[{i}]", $"A service name has 1 to {TicketLimits.Service} characters.");
            }
            else if (!services.Contains(service, StringComparer.OrdinalIgnoreCase))
            {
                services.Add(service);
            }
        }

        var email = request.SupportEmail?.Trim() is { Length: > 0 } e ? e : null;
        errors.Email("supportEmail", email);

        var currency = request.Currency?.Trim() ?? plan.Currency;
        if (!CurrencyCode().IsMatch(currency))
        {
            errors.Add("currency", "An ISO 4217 code of three capital letters, such as EUR.");
        }

        var pricing = request.Pricing ?? new PlanPricing();
        var cost = request.ProviderCost ?? new ProviderCost();
        var prices = new decimal[]
        {
            Amount(errors, "pricing.monthlyFee", pricing.MonthlyFee), Amount(errors, "pricing.perSeatFee", pricing.PerSeatFee),
            Amount(errors, "pricing.includedHours", pricing.IncludedHours), Amount(errors, "pricing.hourlyRate", pricing.HourlyRate),
            Amount(errors, "pricing.perIncidentFee", pricing.PerIncidentFee), Amount(errors, "pricing.prepaidBlockHours", pricing.PrepaidBlockHours),
            Amount(errors, "pricing.prepaidBlockPrice", pricing.PrepaidBlockPrice), Amount(errors, "providerCost.monthlyFee", cost.MonthlyFee),
            Amount(errors, "providerCost.hourlyRate", cost.HourlyRate), Amount(errors, "providerCost.perIncidentFee", cost.PerIncidentFee),
        };
        if ((prices[5] > 0) != (prices[6] > 0))
        {
            errors.Add("pricing.prepaidBlockHours", "A prepaid block has both hours and a price, or neither.");
        }

        if (delivery == SupportDelivery.Direct && prices[7..].Any(p => p > 0))
        {
            errors.Add("providerCost", "A directly delivered plan has no provider cost.");
        }

        var targets = new List<PlanSlaTarget>();
        var targetList = request.Targets ?? [];
        if (targetList.Count == 0)
        {
            errors.Add("targets", "Give the SLA targets of at least one severity.");
        }

        for (var i = 0; i < targetList.Count; i++)
        {
            var t = targetList[i];
            var field = $"targets[{i}]";
            if (t is null)
            {
                errors.Add(field, "An item of the list cannot be null.");
                continue;
            }

            if (t.Severity is not { } severity || !Enum.IsDefined(severity))
            {
                errors.Add($"{field}.severity", "The severity must be A, B or C.");
                continue;
            }

            if (targets.Any(x => x.Severity == severity))
            {
                errors.Add($"{field}.severity", $"Severity {severity} is given twice.");
                continue;
            }

            if (t.FirstResponseMinutes is not (> 0 and <= MaxTargetMinutes))
            {
                errors.Add($"{field}.firstResponseMinutes", $"The first response target is 1 to {MaxTargetMinutes} minutes.");
            }

            if (t.NextResponseMinutes is { } next && next is <= 0 or > MaxTargetMinutes)
            {
                errors.Add($"{field}.nextResponseMinutes", $"The next response target is 1 to {MaxTargetMinutes} minutes, or left out.");
            }

            if (t.ResolutionMinutes is { } resolution && (resolution is <= 0 or > MaxTargetMinutes || resolution < t.FirstResponseMinutes))
            {
                errors.Add($"{field}.resolutionMinutes", "The resolution target is at least the first response target, or left out.");
            }

            targets.Add(new PlanSlaTarget
            {
                OrganisationId = plan.OrganisationId,
                PlanId = plan.Id,
                Severity = severity,
                FirstResponseMinutes = t.FirstResponseMinutes ?? 0,
                NextResponseMinutes = t.NextResponseMinutes,
                ResolutionMinutes = t.ResolutionMinutes,
                AroundTheClock = t.AroundTheClock ?? false,
            });
        }

        var phones = new List<PlanPhoneLine>();
        var phoneList = request.PhoneLines ?? [];
        for (var i = 0; i < phoneList.Count; i++)
        {
            var line = phoneList[i];
            if (line is null)
            {
                errors.Add($"phoneLines[{i}]", "An item of the list cannot be null.");
                continue;
            }

            errors.Required($"phoneLines[{i}].label", line.Label, 100);
            var number = line.Number?.Trim() ?? "";
            if (errors.Phone($"phoneLines[{i}].number", number).Has($"phoneLines[{i}].number"))
            {
                continue;
            }

            phones.Add(new PlanPhoneLine
            {
                OrganisationId = plan.OrganisationId,
                PlanId = plan.Id,
                Label = line.Label?.Trim() ?? "",
                Number = number,
                AroundTheClock = line.AroundTheClock ?? false,
                SeverityAOnly = line.SeverityAOnly ?? false,
            });
        }

        var rules = new List<PlanRoutingRule>();
        var ruleList = request.RoutingRules ?? [];
        if (delivery != SupportDelivery.Mixed && ruleList.Count > 0)
        {
            errors.Add("routingRules", "Only a mixed plan has routing rules; resold and outsourced plans send every ticket to the provider.");
        }
        else if (delivery == SupportDelivery.Mixed && ruleList.Count == 0)
        {
            errors.Add("routingRules", "A mixed plan says which tickets go to the provider (outside service hours, a severity, a service).");
        }
        else
        {
            for (var i = 0; i < ruleList.Count; i++)
            {
                var rule = ruleList[i];
                if (rule is null)
                {
                    errors.Add($"routingRules[{i}]", "An item of the list cannot be null.");
                    continue;
                }

                var service = rule.Service?.Trim() is { Length: > 0 } s ? s : null;
                if (rule.Severity is { } sev && !Enum.IsDefined(sev))
                {
                    errors.Add($"routingRules[{i}].severity", "The severity must be A, B or C.");
                }
                else if (service is { Length: > TicketLimits.Service })
                {
                    errors.Add($"routingRules[{i}].service", $"A service name has at most {TicketLimits.Service} characters.");
                }
                else if (rule.OutsideServiceHours != true && rule.Severity is null && service is null)
                {
                    errors.Add($"routingRules[{i}]", "A rule sets at least one condition.");
                }
                else
                {
                    rules.Add(new PlanRoutingRule { OrganisationId = plan.OrganisationId, PlanId = plan.Id, OutsideServiceHours = rule.OutsideServiceHours ?? false, Severity = rule.Severity, Service = service });
                }
            }
        }

        if (errors.Any)
        {
            return errors;
        }

        plan.Name = request.Name!.Trim();
        plan.Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        plan.Delivery = delivery;
        plan.ProviderOrganisationId = delivery == SupportDelivery.Direct ? null : request.ProviderOrganisationId;
        plan.ProviderName = delivery == SupportDelivery.Direct ? null : providerName;
        plan.CoveredServices = services;
        plan.CalendarId = request.CalendarId!.Value;
        plan.PauseWhileEscalated = request.PauseWhileEscalated ?? false;
        plan.PortalEnabled = request.PortalEnabled ?? true;
        plan.SupportEmail = email;
        plan.Currency = currency;
        (plan.MonthlyFee, plan.PerSeatFee, plan.IncludedHours, plan.HourlyRate, plan.PerIncidentFee, plan.PrepaidBlockHours, plan.PrepaidBlockPrice) =
            (prices[0], prices[1], prices[2], prices[3], prices[4], prices[5], prices[6]);
        (plan.ProviderMonthlyFee, plan.ProviderHourlyRate, plan.ProviderPerIncidentFee) = (prices[7], prices[8], prices[9]);
        plan.Targets.Clear();
        plan.Targets.AddRange(targets);
        plan.PhoneLines.Clear();
        plan.PhoneLines.AddRange(phones);
        plan.RoutingRules.Clear();
        plan.RoutingRules.AddRange(rules);
        return null;
    }

    public static async Task<FieldErrors?> Apply(ContractRequest request, SupportContract contract, PartnerDeskDb db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (request.CustomerId is not { } customerId)
        {
            errors.Add("customerId", "The customerId field is required.");
        }
        else if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            errors.Add("customerId", "No customer with this id is reachable.");
        }
        else if (contract.CustomerId != Guid.Empty && contract.CustomerId != customerId)
        {
            errors.Add("customerId", "A contract stays with its customer; end it and make a new one.");
        }

        if (request.PlanId is not { } planId)
        {
            errors.Add("planId", "The planId field is required.");
        }
        else if (!await db.Set<SupportPlan>().AnyAsync(p => p.Id == planId, ct))
        {
            errors.Add("planId", "No plan with this id is in your organisation.");
        }

        if (request.StartsOn is not { } start)
        {
            errors.Add("startsOn", "The startsOn field is required (yyyy-MM-dd).");
        }
        else if (request.EndsOn is { } end && end < start)
        {
            errors.Add("endsOn", "A contract ends on or after the day it starts.");
        }

        if (request.Seats is < 0 or > 10_000_000)
        {
            errors.Add("seats", "Seats are between 0 and 10,000,000.");
        }

        decimal? Override(string field, decimal? value) => value is null ? null : Amount(errors, field, value);
        var overrides = (
            Override("monthlyFee", request.MonthlyFee), Override("perSeatFee", request.PerSeatFee), Override("includedHours", request.IncludedHours),
            Override("hourlyRate", request.HourlyRate), Override("perIncidentFee", request.PerIncidentFee));
        var prepaid = Amount(errors, "prepaidHours", request.PrepaidHours, contract.PrepaidHours);

        if (!errors.Any)
        {
            var from = request.StartsOn!.Value;
            var to = request.EndsOn ?? DateOnly.MaxValue;
            var overlapping = await db.Set<SupportContract>().AsNoTracking()
                .Where(c => c.CustomerId == request.CustomerId && c.Id != contract.Id && c.StartsOn <= to && (c.EndsOn == null || c.EndsOn >= from))
                .Select(c => new { c.StartsOn, c.EndsOn }).FirstOrDefaultAsync(ct);
            if (overlapping is not null)
            {
                errors.Add("startsOn", $"The customer has a contract from {overlapping.StartsOn:yyyy-MM-dd}{(overlapping.EndsOn is { } e ? $" to {e:yyyy-MM-dd}" : "")}; contracts of one customer do not overlap.");
            }
        }

        if (errors.Any)
        {
            return errors;
        }

        contract.CustomerId = request.CustomerId!.Value;
        contract.PlanId = request.PlanId!.Value;
        contract.StartsOn = request.StartsOn!.Value;
        contract.EndsOn = request.EndsOn;
        contract.Seats = request.Seats ?? 0;
        (contract.MonthlyFee, contract.PerSeatFee, contract.IncludedHours, contract.HourlyRate, contract.PerIncidentFee) = overrides;
        contract.PrepaidHours = prepaid;
        return null;
    }

    public static PlanView View(SupportPlan p) => new(
        p.Id, p.Name, p.Description, p.Delivery, p.ProviderOrganisationId, p.ProviderName, p.CoveredServices, p.CalendarId,
        p.PauseWhileEscalated, p.PortalEnabled, p.SupportEmail,
        [.. p.PhoneLines.OrderBy(l => l.Id).Select(l => new PhoneLineDto(l.Label, l.Number, l.AroundTheClock, l.SeverityAOnly))],
        [.. p.RoutingRules.OrderBy(r => r.Id).Select(r => new RoutingRuleDto(r.OutsideServiceHours, r.Severity, r.Service))],
        [.. p.Targets.OrderBy(t => t.Severity).Select(t => new SlaTargetDto(t.Severity, t.FirstResponseMinutes, t.NextResponseMinutes, t.ResolutionMinutes, t.AroundTheClock))],
        p.Currency,
        new PlanPricing(p.MonthlyFee, p.PerSeatFee, p.IncludedHours, p.HourlyRate, p.PerIncidentFee, p.PrepaidBlockHours, p.PrepaidBlockPrice),
        new ProviderCost(p.ProviderMonthlyFee, p.ProviderHourlyRate, p.ProviderPerIncidentFee));
}
