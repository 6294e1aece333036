using PartnerDesk.Features.Accounts;
using PartnerDesk.Features.AgentConsole;
using PartnerDesk.Features.Audit;
using PartnerDesk.Features.Billing;
using PartnerDesk.Features.Deliveries;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Knowledge;
using PartnerDesk.Features.Mail;
using PartnerDesk.Features.Notifications;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Features.People;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Reports;
using PartnerDesk.Features.Satisfaction;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Setup;
using PartnerDesk.Features.Sla;
using PartnerDesk.Features.Subscriptions;
using PartnerDesk.Features.SupportProviders;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Features.Webhooks;
using PartnerDesk.Features.Workspace;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.ScaleOut;

namespace PartnerDesk;

/// <summary>
/// The one place that names every feature: what each registers, the routes each maps, and the order of the
/// steps that follow every save. Platform/ names none of them (docs/architecture.md).
/// </summary>
public static class Composition
{
    public static IServiceCollection AddPartnerDeskFeatures(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPartnerDeskPlans();
        services.AddPartnerDeskSla(configuration);
        services.AddPartnerDeskSupportProviders();
        services.AddPartnerDeskServiceHealth(configuration);
        services.AddPartnerDeskEscalations(configuration);
        services.AddPartnerDeskSubscriptions();
        services.AddPartnerDeskMail(configuration);
        services.AddPartnerDeskOrganisations(configuration);
        services.AddPartnerDeskWorkspace(configuration);
        services.AddPartnerDeskNotifications();
        services.AddPartnerDeskPeople(configuration);
        services.AddPartnerDeskSetup();
        services.AddPartnerDeskWebhooks(configuration);
        services.AddPartnerDeskSatisfaction();
        services.AddPartnerDeskReports(configuration);
        services.AddHostedService<TicketSearchIndexer>(); // SQLite's search index, written in batches

        // What follows every save, whoever saves, in this order:
        services.AddSaveSteps(
            typeof(Platform.Audit.AuditStep), // 0. an agent's change to a customer's data, in the audit log: before the steps add their consequences
            typeof(KnownIssueLinker), // 1. a new ticket, from any channel, is matched against its tenant's active Microsoft issues
            typeof(SlaKeeper),        // 2. due times from the change; a new ticket's plan from its customer's contract
            typeof(ProviderRouter),   // 3. hand a ticket to the plan's support provider: reads the plan step 2 found
            typeof(ResellerMirror),   // 4. carry a reseller's replies to its provider's copy of an escalated ticket
            typeof(MailNotifier),     // 5. the customer's mail: after 1–4, which may add the messages it tells of
            typeof(WebhookRecorder),  // 6. integrations' events, in the save's transaction: after 1–5, so they carry the SLA and what the steps added
            typeof(ResponseTimeChangeMarker), // 7. a closed month's ticket changed (by anyone, the SLA sweep too): the reports read it live until counted again
            typeof(ActiveIssues),     // 8. a changed Microsoft issue or affected customer: new tickets read the issues afresh once it is committed
            typeof(TicketFeed));      // 9. after the commit: open consoles reload, and the filed-tickets metric counts
        // With several instances (Redis), a change made on another instance reaches this one's consoles too.
        services.HearOtherInstances<TicketFeed>(TicketFeed.Topic, (feed, change) => feed.Heard(change));
        return services;
    }

    /// <summary>Routes outside the API: the browser's way through Sign in with Microsoft.</summary>
    public static IEndpointRouteBuilder MapPartnerDeskSignIn(this IEndpointRouteBuilder app) => app.MapMicrosoftSignIn().MapPartnerCenterConsent();

    public static RouteGroupBuilder MapPartnerDeskFeatures(this RouteGroupBuilder api) => api
        .MapAccountEndpoints()
        .MapPeopleEndpoints()
        .MapCustomerEndpoints()
        .MapPartnerCenterConnectionEndpoints()
        .MapTicketEndpoints()
        .MapTicketAttachmentEndpoints()
        .MapServiceHealthEndpoints()
        .MapNotificationEndpoints()
        .MapEscalationEndpoints()
        .MapCalendarEndpoints()
        .MapPlanEndpoints()
        .MapSupportTermsEndpoints()
        .MapSlaEndpoints()
        .MapTicketRoutingEndpoints()
        .MapTimeEntryEndpoints()
        .MapStatementEndpoints()
        .MapSupportProfileEndpoints()
        .MapMailEndpoints()
        .MapDeliveryEndpoints()
        .MapWebhookEndpoints()
        .MapSatisfactionEndpoints()
        .MapAuditEndpoints()
        .MapReportEndpoints()
        .MapSubscriptionEndpoints()
        .MapKnowledgeEndpoints()
        .MapAgentConsoleEndpoints()
        .MapGdapEndpoints()
        .MapWorkspaceEndpoints()
        .MapSetupEndpoints();
}
