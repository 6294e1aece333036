using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Accounts;

public sealed record TokenRequest(string? Email, string? Password, string? TwoFactorCode = null);

public sealed record TokenResponse(string AccessToken, int ExpiresIn, string TokenType = "Bearer");

/// <summary>
/// The password is asked again (an account without one: a current authenticator code): a stolen session token must not
/// mint a year-long one.
/// </summary>
public sealed record CreatePersonalTokenRequest(string? Name, int? ExpiresInDays = null, string? Password = null, string? TwoFactorCode = null);

public sealed record PersonalTokenView(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

public sealed record CreatedPersonalToken(Guid Id, string Name, string Token, DateTimeOffset? ExpiresAt);

public static class AccountEndpoints
{
    public static readonly TimeSpan SessionTokenLifetime = TimeSpan.FromHours(1);

    public static RouteGroupBuilder MapAccountEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/auth/token", IssueToken).AllowAnonymous().WithTags("Sign-in").RequireRateLimiting(SignInLimits.Policy)
            .WithSummary("Exchanges e-mail and password (and a TOTP code when two-factor is on) for an access token.");
        var tokens = api.MapGroup("/me/tokens").WithTags("Personal access tokens").RequireAuthorization(Policies.Agent);
        tokens.MapGet("/", ListPersonalTokens).WithSummary("The caller's personal access tokens, with their last use.");
        tokens.MapPost("/", CreatePersonalToken).Produces<CreatedPersonalToken>(201).WithSummary("Creates a token; its secret is shown in this answer only.");
        tokens.MapDelete("/{id:guid}", RevokePersonalToken).Produces(204).ProducesProblem(404);
        return api;
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> IssueToken(
        TokenRequest request, SignInManager<UserAccount> signIn, PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors().Required("email", request.Email, 256).Required("password", request.Password, 256);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var user = await signIn.UserManager.FindByEmailAsync(request.Email!);
        var check = await SignInChecks.CheckPassword(signIn, user, request.Password!, request.TwoFactorCode);
        if (check != SignInCheck.Ok)
        {
            // Unknown account, wrong password and lock-out answer alike, so that nobody learns which accounts exist.
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed.",
                detail: check switch
                {
                    SignInCheck.TwoFactorRequired => "A two-factor code is required.",
                    SignInCheck.MicrosoftRequired => "Your organisation requires Sign in with Microsoft; integrations use a personal access token.",
                    _ => "The e-mail or password is not correct.",
                });
        }

        var secret = await ApiTokenStore.Issue(db, user!.OrganisationId, user.Id, "Session", ApiTokenKind.Session, clock.GetUtcNow() + SessionTokenLifetime, clock, ct);
        return TypedResults.Ok(new TokenResponse(secret.Token, (int)SessionTokenLifetime.TotalSeconds));
    }

    private static async Task<Ok<List<PersonalTokenView>>> ListPersonalTokens(PartnerDeskDb db, CancellationToken ct) =>
        TypedResults.Ok(await PersonalTokens.List(db, ct));

    private static async Task<IResult> CreatePersonalToken(
        CreatePersonalTokenRequest request, UserManager<UserAccount> users, PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        // Only a bearer token gets here (the API changes nothing for the cookie), and it asks again who is there.
        var user = await users.FindByIdAsync(db.Caller.UserId.ToString());
        if (user is null)
        {
            return FieldErrors.One("password", "Confirm your password to create a personal access token over the API.");
        }

        var proof = await Reauthentication.ProofFor(users, user);
        var secret = proof == ReauthenticationProof.AuthenticatorCode ? request.TwoFactorCode : request.Password;
        if (!await Reauthentication.Confirms(users, user, secret, microsoftConfirmed: false))
        {
            return proof switch
            {
                ReauthenticationProof.Password => FieldErrors.One("password", "Confirm your password to create a personal access token over the API."),
                ReauthenticationProof.AuthenticatorCode => FieldErrors.One("twoFactorCode", "Confirm with a code from your authenticator app to create a personal access token over the API."),
                _ => FieldErrors.One("password", "Your account signs in with Microsoft only: create personal access tokens on the account page, confirmed with Microsoft."),
            };
        }

        return (await PersonalTokens.Create(request, db, clock, ct)).ToResult(created => TypedResults.Created($"/api/v1/me/tokens/{created.Id}", created));
    }

    private static async Task<IResult> RevokePersonalToken(Guid id, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
        await PersonalTokens.Revoke(id, db, clock, ct) ? TypedResults.NoContent() : TypedResults.Problem(statusCode: 404, title: "Not found.");
}

/// <summary>An agent's personal access tokens, for integrations: the API and the account page share these.</summary>
public static class PersonalTokens
{
    public static Task<List<PersonalTokenView>> List(PartnerDeskDb db, CancellationToken ct)
    {
        var me = db.Caller.UserId;
        return db.ApiTokens.AsNoTracking()
            .Where(t => t.UserId == me && t.Kind == ApiTokenKind.Personal)
            .OrderByDescending(t => t.CreatedAt)
            .Select(t => new PersonalTokenView(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt))
            .ToListAsync(ct);
    }

    public static async Task<Outcome<CreatedPersonalToken>> Create(CreatePersonalTokenRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors().Required("name", request.Name, 100);
        if (request.ExpiresInDays is < 1 or > 366)
        {
            errors.Add("expiresInDays", "A personal access token lives 1 to 366 days.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var caller = db.Caller;
        var expires = clock.GetUtcNow().AddDays(request.ExpiresInDays ?? 90);
        return await ApiTokenStore.Issue(db, caller.RequireOrganisation(), caller.UserId, request.Name!.Trim(), ApiTokenKind.Personal, expires, clock, ct);
    }

    public static async Task<bool> Revoke(Guid id, PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var me = db.Caller.UserId;
        var now = clock.GetUtcNow();
        return await db.ApiTokens.Where(t => t.Id == id && t.UserId == me && t.Kind == ApiTokenKind.Personal && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct) == 1;
    }
}

public static class ApiTokenStore
{
    public static async Task<CreatedPersonalToken> Issue(
        PartnerDeskDb db, Guid organisationId, Guid userId, string name, ApiTokenKind kind, DateTimeOffset? expiresAt, TimeProvider clock, CancellationToken ct)
    {
        var secret = ApiTokens.NewSecret();
        var token = new ApiToken
        {
            OrganisationId = organisationId,
            UserId = userId,
            Name = name,
            Kind = kind,
            TokenHash = ApiTokens.Hash(secret),
            Prefix = secret[..10],
            CreatedAt = clock.GetUtcNow(),
            ExpiresAt = expiresAt,
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        return new CreatedPersonalToken(token.Id, name, secret, expiresAt);
    }
}
