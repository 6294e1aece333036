using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.Features.Mail;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Features.People;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Setup;

public enum StepState
{
    Done,
    NotDone,
    Failing,
}

/// <summary>One step of going live: its state, what it found or why it fails, and where to do it.</summary>
public sealed record SetupStep(string Key, string Title, StepState State, string Detail, string? Link);

/// <summary>A consent link a customer's admin opens, for a customer tenant PartnerDesk cannot read.</summary>
public sealed record ConsentLink(Guid CustomerId, string Customer, string Reason, string? Url);

public sealed record SetupChecklistView(List<SetupStep> Steps, List<ConsentLink> ConsentNeeded);

/// <summary>
/// What an admin of a new organisation has to do before its customers can be served, read from what is
/// stored (nothing is called at Microsoft to draw it): each step done, not done, or failing with the reason.
/// </summary>
public sealed class SetupChecklist(PartnerCenterConnections connections, IOptions<MicrosoftOptions> microsoft, IOptions<MicrosoftSignInOptions> signIn)
{
    public async Task<SetupChecklistView> Read(PartnerDeskDb db, CancellationToken ct)
    {
        var organisationId = db.Caller.RequireOrganisation();
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(ct);
        var steps = new List<SetupStep>();

        var connection = await connections.View(db, ct);
        steps.Add(connection switch
        {
            { Broken: { } broken } => new("partner-center", "Connect Partner Center", StepState.Failing,
                $"Partner Center refused the grant of {connection.ConnectedBy}: {broken} Connect again.", "/connect/partner-center"),
            { Connected: true, Source: ConnectionSource.Configuration, ConnectedAt: null } => new("partner-center", "Connect Partner Center", StepState.Done,
                "Connected through the environment (PartnerDesk__Microsoft__PartnerCenterAccounts).", null),
            { Connected: true } => new("partner-center", "Connect Partner Center", StepState.Done,
                $"Connected by {connection.ConnectedBy} on {connection.ConnectedAt:yyyy-MM-dd}.", null),
            _ => new("partner-center", "Connect Partner Center", StepState.NotDone,
                "An admin agent of your Partner Center account signs in and allows PartnerDesk to file service requests and read your customers.", "/connect/partner-center"),
        });

        var customers = await db.Customers.CountAsync(ct);
        var imported = await db.Customers.CountAsync(c => c.PartnerCenterSeenAt != null, ct);
        steps.Add(new("customers", "Import your customers", imported > 0 ? StepState.Done : StepState.NotDone,
            imported > 0 ? $"{customers} customers, {imported} of them listed by Partner Center." : customers > 0 ? $"{customers} customers, none imported from Partner Center yet." : "No customer yet.",
            "/console/customers"));

        var gdapState = await db.Set<GdapSyncState>().AsNoTracking().FirstOrDefaultAsync(ct);
        steps.Add(gdapState switch
        {
            { LastError: { } error } => new("gdap", "Read GDAP from Microsoft", StepState.Failing, error, "/console/customers"),
            { LastSuccessAt: { } at } => new("gdap", "Read GDAP from Microsoft", StepState.Done, $"Read {at:yyyy-MM-dd HH:mm} UTC.", "/console/customers"),
            _ => new("gdap", "Read GDAP from Microsoft", StepState.NotDone, "GDAP decides which customers helpdesk agents reach; it has not been read yet.", "/console/customers"),
        });

        var health = await db.Set<HealthSyncState>().AsNoTracking()
            .Join(db.Customers, s => s.CustomerId, c => c.Id, (s, c) => new { c.Id, c.Name, c.TenantId, s.LastSuccessAt, s.LastError })
            .ToListAsync(ct);
        var failing = health.Where(h => h.LastError is not null).OrderBy(h => h.Name).ToList();
        var readable = health.Count(h => h.LastError is null && h.LastSuccessAt is not null);
        var clientId = microsoft.Value.ClientId;
        var consent = failing.ConvertAll(h => new ConsentLink(h.Id, h.Name, h.LastError!,
            clientId is { Length: > 0 } ? $"https://login.microsoftonline.com/{h.TenantId}/adminconsent?client_id={Uri.EscapeDataString(clientId)}" : null));
        steps.Add(new("service-health", "Service health consent in each customer tenant",
            failing.Count > 0 ? StepState.Failing : readable > 0 && readable >= customers - await db.Customers.CountAsync(c => c.LeftAt != null, ct) ? StepState.Done : StepState.NotDone,
            failing.Count > 0 ? $"{failing.Count} customer tenants cannot be read: their admin must consent (links below)."
                              : $"{readable} of {customers} customer tenants read.",
            "/console/service-health"));

        var mailbox = await db.Mailboxes.AsNoTracking().AnyAsync(m => m.Enabled, ct);
        steps.Add(new("mailbox", "Add the support mailbox", mailbox ? StepState.Done : StepState.NotDone,
            mailbox ? "Mail is read and sent." : "Without a mailbox, no mail reaches your customers and no mail becomes a ticket.", "/console/mail"));

        var profile = await db.Set<SupportProfile>().AsNoTracking().FirstOrDefaultAsync(ct);
        steps.Add(profile switch
        {
            { PublishProblem: { } problem } => new("support-profile", "Publish your support profile", StepState.Failing, problem, "/console/profile"),
            { PublishedAt: { } at } => new("support-profile", "Publish your support profile", StepState.Done, $"Published to Partner Center {at:yyyy-MM-dd}.", "/console/profile"),
            _ => new("support-profile", "Publish your support profile", StepState.NotDone, "Microsoft shows your customers this profile; it is in every mail too.", "/console/profile"),
        });

        var plans = await db.SupportPlans.AsNoTracking().CountAsync(ct);
        var contracts = await db.SupportContracts.AsNoTracking().CountAsync(ct);
        steps.Add(new("plans", "Create a plan and contracts", plans > 0 && contracts > 0 ? StepState.Done : StepState.NotDone,
            $"{plans} plans, {contracts} contracts.", "/console/plans"));

        var agents = await db.Agents.CountAsync(a => a.IsActive, ct);
        var invited = await db.Invitations.CountAsync(i => i.CustomerId == null, ct);
        steps.Add(new("agents", "Invite your agents", agents > 1 || invited > 0 ? StepState.Done : StepState.NotDone,
            $"{agents} active agents, {invited} invitations sent.", "/console/people"));

        steps.Add(new("microsoft-sign-in", "Sign in with Microsoft", !signIn.Value.Available ? StepState.NotDone : organisation.TenantId is not null ? StepState.Done : StepState.NotDone,
            !signIn.Value.Available ? "Set PartnerDesk__Microsoft__ClientId and a secret (docs/microsoft.md, section 1)."
            : organisation.TenantId is { } tenant ? $"Your agents sign in with accounts of tenant {tenant}." : "Link your Microsoft account (account page), then use its tenant on the People page.",
            "/console/people"));
        return new SetupChecklistView(steps, consent);
    }
}

public static class SetupSetup
{
    public static IServiceCollection AddPartnerDeskSetup(this IServiceCollection services) => services.AddScoped<SetupChecklist>();

    public static RouteGroupBuilder MapSetupEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/setup", async (SetupChecklist checklist, PartnerDeskDb db, CancellationToken ct) => TypedResults.Ok(await checklist.Read(db, ct)))
            .WithTags("Setup").RequireAuthorization(Policies.Admin)
            .WithSummary("Going live: each step of setting up the organisation, done, not done or failing with the reason.");
        return api;
    }
}
