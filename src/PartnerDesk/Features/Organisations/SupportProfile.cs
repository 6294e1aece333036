using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Organisations;

/// <summary>
/// How the organisation's customers reach its support (R15): kept here, shown in the portal (and, with the
/// e-mail channel, in every mail), and published to Partner Center, which shows it to the customers too.
/// </summary>
public sealed class SupportProfile : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public string? Email { get; set; }
    public string? Telephone { get; set; }
    public string? Website { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When Partner Center last took this version; null while publishing is pending or refused.</summary>
    public DateTimeOffset? PublishedAt { get; set; }

    /// <summary>Why Partner Center refused the last version, for the admin to fix.</summary>
    public string? PublishProblem { get; set; }

    /// <summary>The partner's logo (PNG or JPEG, small), shown at the top of every mail. Kept here only, not published.</summary>
    public byte[]? Logo { get; set; }
    public string? LogoContentType { get; set; }

    /// <summary>The name customers see in the portal and as the sender of mail; null: the organisation's name.</summary>
    public string? BrandName { get; set; }

    /// <summary>The colour of the portal's bar and of mail headings (#rrggbb); null: PartnerDesk's blue.</summary>
    public string? AccentColour { get; set; }
}

internal sealed class SupportProfileConfiguration : IEntityTypeConfiguration<SupportProfile>
{
    public void Configure(EntityTypeBuilder<SupportProfile> b)
    {
        b.HasKey(p => p.OrganisationId);
        b.Property(p => p.Email).HasMaxLength(320);
        b.Property(p => p.Telephone).HasMaxLength(40);
        b.Property(p => p.Website).HasMaxLength(500);
        b.Property(p => p.PublishProblem).HasMaxLength(1000);
        b.Property(p => p.LogoContentType).HasMaxLength(40);
        b.Property(p => p.BrandName).HasMaxLength(200);
        b.Property(p => p.AccentColour).HasMaxLength(7);
        b.HasOne<Organisation>().WithOne().HasForeignKey<SupportProfile>(p => p.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed record SupportProfileRequest(string? Email, string? Telephone, string? Website);

/// <param name="BrandName">What customers see as the partner's name (empty: the organisation's name).</param>
/// <param name="AccentColour">#rrggbb, or empty for PartnerDesk's blue.</param>
/// <param name="Language">The language of new contacts' mail and portal until they choose: en or de.</param>
public sealed record BrandingRequest(string? BrandName, string? AccentColour, string? Language);

public sealed record SupportProfileView(
    string Organisation, string? Email, string? Telephone, string? Website, DateTimeOffset? UpdatedAt, DateTimeOffset? PublishedAt, string? PublishProblem, bool Publishes, bool HasLogo,
    string? BrandName = null, string? AccentColour = null, string Language = "en");

public static partial class SupportProfiles
{
    public static RouteGroupBuilder MapSupportProfileEndpoints(this RouteGroupBuilder api)
    {
        var profile = api.MapGroup("/profiles/support").WithTags("Organisations");
        profile.MapGet("/", async (PartnerDeskDb db, CancellationToken ct) => TypedResults.Ok(await Get(db, ct)))
            .RequireAuthorization(Policies.Member).WithSummary("The organisation's support profile (agents and its customers' contacts).");
        profile.MapPut("/", async (SupportProfileRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
            (await Save(db, request, clock.GetUtcNow(), ct)).ToResult(TypedResults.Ok))
            .RequireAuthorization(Policies.Admin).WithSummary("Sets the support profile and publishes it to Partner Center (through the outbox).");
        profile.MapPut("/branding", async (BrandingRequest request, PartnerDeskDb db, PortalBrands brands, CancellationToken ct) =>
            (await SaveBranding(db, request, brands, ct)).ToResult(TypedResults.Ok))
            .RequireAuthorization(Policies.Admin).WithSummary("How customers see the organisation: brand name (portal and mail sender), accent colour, language of new contacts.");
        profile.MapPost("/import", async (PartnerDeskDb db, PartnerCenterClient partnerCenter, TimeProvider clock, CancellationToken ct) =>
            (await Import(db, partnerCenter, clock.GetUtcNow(), ct)).ToResult(TypedResults.Ok))
            .RequireAuthorization(Policies.Admin).WithSummary("Takes the support profile Partner Center has (GET /v1/profiles/support).");
        profile.MapGet("/logo", async Task<Results<FileContentHttpResult, NotFound>> (PartnerDeskDb db, CancellationToken ct) =>
                await db.Set<SupportProfile>().AsNoTracking().Where(p => p.Logo != null).Select(p => new { p.Logo, p.LogoContentType }).FirstOrDefaultAsync(ct) is { } logo
                    ? TypedResults.File(logo.Logo!, logo.LogoContentType) : TypedResults.NotFound())
            .WithSummary("The logo shown at the top of the organisation's mail.");
        profile.MapPut("/logo", async (HttpRequest http, PartnerDeskDb db, TimeProvider clock, PortalBrands brands, CancellationToken ct) =>
                (await SaveLogo(db, http.Body, clock.GetUtcNow(), brands, ct)).ToResult(TypedResults.Ok))
            .RequireAuthorization(Policies.Admin).Accepts<byte[]>("image/png", "image/jpeg")
            .WithSummary("Sets the logo of the organisation's mail: the PNG or JPEG bytes as the body, at most 200 KB.");
        profile.MapDelete("/logo", async (PartnerDeskDb db, PortalBrands brands, CancellationToken ct) =>
            {
                await RemoveLogo(db, brands, ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Policies.Admin).WithSummary("Removes the logo.");
        return api;
    }

    public const int LogoLimit = 200 * 1024;

    public static async Task RemoveLogo(PartnerDeskDb db, PortalBrands brands, CancellationToken ct)
    {
        if (db.Caller.AgentRole != AgentRole.AdminAgent)
        {
            return;
        }

        await db.Set<SupportProfile>().ExecuteUpdateAsync(p => p.SetProperty(x => x.Logo, (byte[]?)null).SetProperty(x => x.LogoContentType, (string?)null), ct);
        brands.Forget(db.Caller.RequireOrganisation());
    }

    /// <summary>A PNG or JPEG of at most <see cref="LogoLimit"/> bytes, judged by its bytes.</summary>
    public static async Task<Outcome<SupportProfileView>> SaveLogo(PartnerDeskDb db, Stream body, DateTimeOffset now, PortalBrands brands, CancellationToken ct)
    {
        if (db.Caller.AgentRole != AgentRole.AdminAgent)
        {
            return Outcome<SupportProfileView>.Missing;
        }

        using var buffer = new MemoryStream();
        var read = new byte[8192];
        int n;
        while ((n = await body.ReadAsync(read, ct)) > 0)
        {
            if (buffer.Length + n > LogoLimit)
            {
                return new FieldErrors().Add("logo", $"The logo is larger than {LogoLimit / 1024} KB.");
            }

            buffer.Write(read, 0, n);
        }

        var bytes = buffer.ToArray();
        // Judged by its bytes, not by what the caller says it is: only real PNG and JPEG images go into mail.
        var type = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? "image/png"
            : bytes.Length > 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF ? "image/jpeg" : null;
        if (type is null)
        {
            return new FieldErrors().Add("logo", "Send the logo as a PNG or JPEG image.");
        }

        var profile = await db.Set<SupportProfile>().FirstOrDefaultAsync(ct);
        if (profile is null)
        {
            profile = new SupportProfile { OrganisationId = db.Caller.RequireOrganisation(), UpdatedAt = now };
            db.Add(profile);
        }

        (profile.Logo, profile.LogoContentType) = (bytes, type);
        await db.SaveChangesAsync(ct);
        brands.Forget(profile.OrganisationId);
        return await Get(db, ct);
    }

    /// <summary>Support providers have no Partner Center support profile; everyone else publishes theirs.</summary>
    private static Task<bool> Publishes(PartnerDeskDb db, CancellationToken ct) =>
        db.Organisations.AnyAsync(o => o.Kind != OrganisationKind.SupportProvider, ct);

    public static async Task<SupportProfileView> Get(PartnerDeskDb db, CancellationToken ct)
    {
        var organisation = await db.Organisations.Select(o => new { o.Name, o.Language }).FirstAsync(ct);
        var p = await db.Set<SupportProfile>().AsNoTracking()
            .Select(p => new { p.Email, p.Telephone, p.Website, p.UpdatedAt, p.PublishedAt, p.PublishProblem, HasLogo = p.Logo != null, p.BrandName, p.AccentColour }).FirstOrDefaultAsync(ct);
        return new SupportProfileView(organisation.Name, p?.Email, p?.Telephone, p?.Website, p?.UpdatedAt, p?.PublishedAt, p?.PublishProblem, await Publishes(db, ct), p?.HasLogo ?? false,
            p?.BrandName, p?.AccentColour, organisation.Language);
    }

    /// <summary>The languages PartnerDesk writes in (mail, portal).</summary>
    public static readonly string[] Languages = ["en", "de"];

    /// <summary>How the organisation presents itself to its customers: name, colour, and the language of new contacts.</summary>
    public static async Task<Outcome<SupportProfileView>> SaveBranding(PartnerDeskDb db, BrandingRequest request, PortalBrands brands, CancellationToken ct)
    {
        if (db.Caller.AgentRole != AgentRole.AdminAgent)
        {
            return Outcome<SupportProfileView>.Missing;
        }

        var brandName = Clean(request.BrandName);
        var colour = Clean(request.AccentColour)?.ToLowerInvariant();
        var errors = new FieldErrors().MaxLength("brandName", brandName, 200);
        if (colour is not null && !HexColour().IsMatch(colour))
        {
            errors.Add("accentColour", "A colour as #rrggbb, such as #0f6cbd.");
        }

        var organisation = await db.Organisations.FirstAsync(ct);
        var language = Clean(request.Language) ?? organisation.Language; // left out: as it is
        if (!Languages.Contains(language))
        {
            errors.Add("language", "The language is en or de.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var profile = await db.Set<SupportProfile>().FirstOrDefaultAsync(ct);
        if (profile is null)
        {
            profile = new SupportProfile { OrganisationId = db.Caller.RequireOrganisation() };
            db.Add(profile);
        }

        (profile.BrandName, profile.AccentColour) = (brandName, colour);
        organisation.Language = language;
        await db.SaveChangesAsync(ct);
        brands.Forget(organisation.Id);
        return await Get(db, ct);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^#[0-9a-f]{6}$")]
    private static partial System.Text.RegularExpressions.Regex HexColour();

    public static async Task<Outcome<SupportProfileView>> Save(PartnerDeskDb db, SupportProfileRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var email = Clean(request.Email);
        var telephone = Clean(request.Telephone);
        var website = Clean(request.Website);
        if (email is null && telephone is null && website is null)
        {
            errors.Add("email", "Give at least an e-mail address, a telephone number or a website.");
        }

        errors.Email("email", email).Phone("telephone", telephone);

        if (website is not null && (website.Length > 500 || !Uri.TryCreate(website, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("website", "Give the full address of a website, starting with https://.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var organisationId = db.Caller.RequireOrganisation();
        var profile = await db.Set<SupportProfile>().FirstOrDefaultAsync(ct);
        if (profile is null)
        {
            profile = new SupportProfile { OrganisationId = organisationId };
            db.Add(profile);
        }

        (profile.Email, profile.Telephone, profile.Website, profile.UpdatedAt) = (email, telephone, website, now);
        profile.PublishedAt = null;
        profile.PublishProblem = null;
        if (await Publishes(db, ct))
        {
            // The handler sends the profile as it stands when it runs: a later edit is never overtaken by an older one.
            db.OutboxMessages.Add(OutboxMessage.New(organisationId, PublishSupportProfileHandler.KindName, "{}", organisationId, now));
        }

        await db.SaveChangesAsync(ct);
        return await Get(db, ct);
    }

    public static async Task<Outcome<SupportProfileView>> Import(PartnerDeskDb db, PartnerCenterClient partnerCenter, DateTimeOffset now, CancellationToken ct)
    {
        PartnerCenterSupportProfile found;
        try
        {
            found = await partnerCenter.GetSupportProfile(db.Caller.RequireOrganisation(), ct);
        }
        catch (Exception e) when (PartnerCenterClient.IsFailure(e))
        {
            return new FieldErrors().Add("partnerCenter", $"Partner Center could not be read: {PartnerCenterClient.Reason(e)}");
        }

        var organisationId = db.Caller.RequireOrganisation();
        var profile = await db.Set<SupportProfile>().FirstOrDefaultAsync(ct);
        if (profile is null)
        {
            profile = new SupportProfile { OrganisationId = organisationId };
            db.Add(profile);
        }

        (profile.Email, profile.Telephone, profile.Website) = (Clean(found.Email), Clean(found.Telephone), Clean(found.Website));
        (profile.UpdatedAt, profile.PublishedAt, profile.PublishProblem) = (now, now, null); // what Partner Center has is published by definition
        await db.SaveChangesAsync(ct);
        return await Get(db, ct);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Publishes the organisation's support profile to Partner Center, as it stands when the message is carried.</summary>
public sealed class PublishSupportProfileHandler(PartnerCenterClient partnerCenter, TimeProvider clock) : IOutboxHandler
{
    public const string KindName = "PartnerCenter.UpdateSupportProfile";

    public string Kind => KindName;

    public async Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct)
    {
        var profile = await db.Set<SupportProfile>().FirstOrDefaultAsync(ct);
        if (profile is null)
        {
            return OutboxOutcome.Refused("The organisation has no support profile.");
        }

        if (profile.PublishedAt is not null && profile.PublishedAt >= profile.UpdatedAt)
        {
            return OutboxOutcome.Sent; // a later message already carried this version
        }

        try
        {
            await partnerCenter.UpdateSupportProfile(message.OrganisationId, message.Id, new PartnerCenterSupportProfile(profile.Email, profile.Telephone, profile.Website), ct);
        }
        catch (PartnerCenterException e) when (!e.Retryable && e.Status != System.Net.HttpStatusCode.Unauthorized)
        {
            profile.PublishProblem = $"Partner Center refused the profile: {e.Reason}";
            return OutboxOutcome.Refused(e.Reason);
        }
        catch (Exception e) when (PartnerCenterClient.IsFailure(e))
        {
            profile.PublishProblem = $"Waiting to publish: {PartnerCenterClient.Reason(e)}";
            return OutboxOutcome.Retry(profile.PublishProblem, (e as PartnerCenterException)?.RetryAfter);
        }

        profile.PublishedAt = clock.GetUtcNow();
        profile.PublishProblem = null;
        return OutboxOutcome.Sent;
    }
}
