using Microsoft.Extensions.Options;
using PartnerDesk.Platform;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.People;

public sealed record AcceptInvitationRequest(string? Token, string? DisplayName, string? Password);

public sealed record AcceptedInvitation(Guid UserId, string Email, string Kind);

public static class PeopleEndpoints
{
    public static RouteGroupBuilder MapPeopleEndpoints(this RouteGroupBuilder api)
    {
        var agents = api.MapGroup("/agents").WithTags("Agents").RequireAuthorization(Policies.Agent);
        agents.MapGet("/", async (PartnerDeskDb db, CancellationToken ct) => TypedResults.Ok(await Staff.List(db, ct)))
            .WithSummary("The organisation's agents, with their state, two-factor, Microsoft link and last sign-in.");
        agents.MapGet("/{id:guid}", async (Guid id, PartnerDeskDb db, CancellationToken ct) =>
            await Staff.One(db, id, ct) is { } agent ? Results.Ok(agent) : NotFound()).Produces<AgentView>().ProducesProblem(404);
        agents.MapPatch("/{id:guid}", async (Guid id, UpdateAgentRequest request, Staff staff, PartnerDeskDb db, CancellationToken ct) =>
            (await staff.Update(db, id, request, ct)).ToResult(TypedResults.Ok)).RequireAuthorization(Policies.Admin)
            .Produces<AgentView>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).WithSummary("Renames an agent or changes its role.");
        agents.MapPost("/{id:guid}/deactivate", async (Guid id, Staff staff, PartnerDeskDb db, CancellationToken ct) =>
            (await staff.SetActive(db, id, false, ct)).ToResult(TypedResults.Ok)).RequireAuthorization(Policies.Admin)
            .Produces<AgentView>().ProducesProblem(404).ProducesProblem(409).WithSummary("Deactivates an agent: its sessions and tokens end at once.");
        agents.MapPost("/{id:guid}/reactivate", async (Guid id, Staff staff, PartnerDeskDb db, CancellationToken ct) =>
            (await staff.SetActive(db, id, true, ct)).ToResult(TypedResults.Ok)).RequireAuthorization(Policies.Admin)
            .Produces<AgentView>().ProducesProblem(404);
        agents.MapPost("/{id:guid}/unlink-microsoft", async (Guid id, Staff staff, PartnerDeskDb db, CancellationToken ct) =>
            (await staff.Unlink(db, id, ct)).ToResult(TypedResults.Ok)).RequireAuthorization(Policies.Admin)
            .Produces<AgentView>().ProducesProblem(404).WithSummary("Forgets the agent's linked Microsoft account (a recreated user); its sessions end.");
        agents.MapPost("/{id:guid}/reset-two-factor", async (Guid id, Staff staff, PartnerDeskDb db, CancellationToken ct) =>
            (await staff.ResetTwoFactor(db, id, ct)).ToResult(TypedResults.Ok)).RequireAuthorization(Policies.Admin)
            .Produces<AgentView>().ProducesProblem(404).WithSummary("Turns two-factor off (a lost phone); the agent sets it up again.");

        var invitations = api.MapGroup("/invitations").WithTags("Invitations");
        invitations.MapGet("/", async (Guid? customerId, bool? open, Invitations service, PartnerDeskDb db, CancellationToken ct) =>
                CustomerPeople.MayManage(db.Caller) ? Results.Ok(await service.List(db, customerId, open ?? false, ct)) : Forbidden())
            .Produces<List<InvitationView>>().WithSummary("Invitations: of agents, or with customerId, of that customer's contacts.");
        invitations.MapPost("/", async (InviteRequest request, HttpContext http, Invitations service, PartnerDeskDb db, CancellationToken ct) =>
                (await service.Invite(db, request, SiteAddress.Of(http.Request), ct)).ToResult(created =>
                    TypedResults.Created($"/api/v1/invitations/{created.Invitation.Id}", created)))
            .Produces<CreatedInvitation>(201).ProducesValidationProblem().ProducesProblem(409)
            .WithSummary("Invites an agent (admins) or a customer's contact (agents who reach the customer, the customer's admins); mails a one-time link.");
        invitations.MapPost("/{id:guid}/resend", async (Guid id, HttpContext http, Invitations service, PartnerDeskDb db, CancellationToken ct) =>
                (await service.Resend(db, id, SiteAddress.Of(http.Request), ct)).ToResult(TypedResults.Ok))
            .Produces<CreatedInvitation>().ProducesProblem(404).ProducesProblem(409).WithSummary("A new link (the old one stops working), mailed again.");
        invitations.MapDelete("/{id:guid}", async (Guid id, Invitations service, PartnerDeskDb db, CancellationToken ct) =>
                (await service.Withdraw(db, id, ct)).ToResult(TypedResults.Ok))
            .Produces<InvitationView>().ProducesProblem(404).ProducesProblem(409).WithSummary("Withdraws an invitation.");
        invitations.MapPost("/accept", async (AcceptInvitationRequest request, InvitationAcceptance acceptance, PartnerDeskDb db, CancellationToken ct) =>
                (await acceptance.Accept(db, request.Token ?? "", new AcceptRequest(request.DisplayName, request.Password), null, ct))
                    .ToResult(account => TypedResults.Ok(new AcceptedInvitation(account.Id, account.Email!, account.Kind.ToString()))))
            .AllowAnonymous().RequireRateLimiting(SignInLimits.Policy)
            .Produces<AcceptedInvitation>().ProducesValidationProblem().ProducesProblem(409)
            .WithSummary("Accepts an invitation with a password; then sign in as usual.");

        var contacts = api.MapGroup("").WithTags("Contacts");
        contacts.MapGet("/customers/{id:guid}/contacts", async (Guid id, PartnerDeskDb db, CancellationToken ct) =>
                (await CustomerPeople.List(db, id, ct)).ToResult(TypedResults.Ok))
            .Produces<List<ContactView>>().ProducesProblem(404).WithSummary("The customer's contacts (agents who reach it; the customer's admins).");
        contacts.MapGet("/contacts/{id:guid}", async (Guid id, PartnerDeskDb db, CancellationToken ct) =>
            await CustomerPeople.One(db, id, ct) is { } contact ? Results.Ok(contact) : NotFound()).Produces<ContactView>().ProducesProblem(404);
        contacts.MapPatch("/contacts/{id:guid}", async (Guid id, UpdateContactRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
                (await CustomerPeople.Update(db, id, request, clock.GetUtcNow(), ct)).ToResult(TypedResults.Ok))
            .Produces<ContactView>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Renames a contact, makes it its customer's admin or not, deactivates or reactivates it.");
        contacts.MapPost("/contacts/{id:guid}/unlink-microsoft", async (Guid id, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
                (await CustomerPeople.Unlink(db, id, clock.GetUtcNow(), ct)).ToResult(TypedResults.Ok))
            .Produces<ContactView>().ProducesProblem(404).WithSummary("Forgets the contact's linked Microsoft account; its sessions end.");
        contacts.MapPut("/customers/{id:guid}/contact-sign-up", async (Guid id, ContactSignUpRequest request, PartnerDeskDb db, CancellationToken ct) =>
                (await CustomerPeople.SetSignUp(db, id, request, ct)).ToResult(signUp => TypedResults.Ok(new ContactSignUpRequest(signUp))))
            .RequireAuthorization(Policies.Admin).Produces<ContactSignUpRequest>().ProducesValidationProblem().ProducesProblem(404)
            .WithSummary("Whether any user of the customer's tenant may sign in with Microsoft (AnyoneInTenant) or only invited people (InvitedOnly).");
        contacts.MapPost("/customers/{id:guid}/contacts/import", async (Guid id, ContactImport import, PartnerDeskDb db, CancellationToken ct) =>
                (await import.Run(db, id, ct)).ToResult(TypedResults.Ok))
            .RequireAuthorization(Policies.Agent).Produces<ContactImportResult>().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Reads the customer's users from its tenant (Microsoft Graph, through GDAP) as contacts; then daily.");

        var settings = api.MapGroup("/organisation/sign-in").WithTags("Agents").RequireAuthorization(Policies.Admin);
        settings.MapGet("/", async (PartnerDeskDb db, IOptions<MicrosoftSignInOptions> microsoft, CancellationToken ct) =>
            TypedResults.Ok(await Staff.Settings(db, microsoft.Value.Available, ct)));
        settings.MapPut("/", async (UpdateSignInSettings request, PartnerDeskDb db, IOptions<MicrosoftSignInOptions> microsoft, CancellationToken ct) =>
                (await Staff.UpdateSettings(db, request, microsoft.Value.Available, ct)).ToResult(TypedResults.Ok))
            .Produces<SignInSettings>().ProducesValidationProblem().ProducesProblem(409)
            .WithSummary("The organisation's Entra tenant (its agents sign in with it) and whether agents must sign in with Microsoft.");
        return api;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound() => TypedResults.Problem(statusCode: 404, title: "Not found.");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Forbidden() => TypedResults.Problem(statusCode: 403, title: "Not allowed.");
}

public static class PeopleSetup
{
    public static IServiceCollection AddPartnerDeskPeople(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<Invitations>();
        services.AddScoped<Staff>();
        services.AddScoped<MicrosoftSignIn>();
        services.AddScoped<InvitationAcceptance>();
        services.AddSingleton<ContactImport>();
        services.Configure<ContactImportOptions>(configuration.GetSection(ContactImportOptions.Section));
        services.AddSingleton<ContactImportJob>();
        services.AddHostedService(sp => sp.GetRequiredService<ContactImportJob>());
        services.AddMicrosoftSignIn();
        return services;
    }
}
