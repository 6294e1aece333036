using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Graph.Models.ODataErrors;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Jobs;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.People;

public sealed record ContactImportResult(int Read, int Added, int Linked, int Renamed, int Deactivated, int Unchanged);

/// <summary>
/// Brings a customer's users in from its tenant (Microsoft Graph /users, paged) as contacts: new members are
/// added, existing contacts are linked by address, renamed users renamed, and users disabled or deleted in
/// the tenant lose portal access. What an agent or the customer's admin changed by hand is left alone. It
/// needs a GDAP relationship that lets the partner read the directory, so it never reads a tenant it has
/// no business in.
/// </summary>
public sealed class ContactImport(GraphClients graph, TimeProvider clock)
{
    // One import of a customer at a time on this instance; across instances the unique index of a tenant user's
    // contact makes the later save fail, which is said, and nothing is doubled.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, SemaphoreSlim> running = new();

    private static readonly string[] ReadingRoles = [EntraRoles.DirectoryReaders, EntraRoles.GlobalReader, EntraRoles.UserAdministrator];
    private static readonly string[] Fields = ["id", "displayName", "mail", "userPrincipalName", "accountEnabled", "userType"];

    public async Task<Outcome<ContactImportResult>> Run(PartnerDeskDb db, Guid customerId, CancellationToken ct)
    {
        var gate = running.GetOrAdd(customerId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            return await RunOnce(db, customerId, ct);
        }
        catch (DbUpdateException e) when (DbFailures.IsRace(e))
        {
            db.ChangeTracker.Clear();
            return Outcome<ContactImportResult>.Conflict("Another import of this customer's users ran at the same time; nothing of this one was saved. Try again.");
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<Outcome<ContactImportResult>> RunOnce(PartnerDeskDb db, Guid customerId, CancellationToken ct)
    {
        if (!db.Caller.IsAgent && !db.Caller.IsSystem)
        {
            return Outcome<ContactImportResult>.Missing;
        }

        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == customerId, ct);
        string? language = null; // the organisation's, read once when the first new contact needs it
        if (customer is null)
        {
            return Outcome<ContactImportResult>.Missing;
        }

        var relationships = await db.Set<DelegatedAdminRelationship>().AsNoTracking()
            .Where(r => r.CustomerId == customerId && r.Status == DelegatedAdminRelationshipStatus.Active).Select(r => r.UnifiedRoles).ToListAsync(ct);
        if (!relationships.Any(roles => roles.Intersect(ReadingRoles).Any()))
        {
            return Outcome<ContactImportResult>.Conflict(
                "Reading the customer's users needs an active GDAP relationship that grants Directory Readers, Global Reader or User Administrator; sync GDAP or ask the customer to approve one.");
        }

        List<Microsoft.Graph.Models.User> users;
        try
        {
            var client = graph.For(customer.TenantId);
            users = await GraphPages.All(
                await client.Users.GetAsync(r => { r.QueryParameters.Select = Fields; r.QueryParameters.Top = 999; }, ct), p => p.Value, p => p.OdataNextLink,
                next => client.Users.WithUrl(next).GetAsync(cancellationToken: ct));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Whatever Microsoft or the network answered (errors, timeouts, malformed pages): said, nothing changed.
            return Outcome<ContactImportResult>.Conflict($"Microsoft Graph could not list the customer's users: {Describe(e)}");
        }

        var now = clock.GetUtcNow();
        var members = users
            .Where(u => Guid.TryParse(u.Id, out _) && u.UserType is null or "Member" && (u.Mail ?? u.UserPrincipalName) is { Length: > 0 and <= 256 })
            .ToList();
        var contacts = await db.Contacts.Where(c => c.CustomerId == customerId).ToListAsync(ct);
        var byObject = contacts.Where(c => c.DirectoryObjectId is not null).GroupBy(c => c.DirectoryObjectId!.Value).ToDictionary(g => g.Key, g => g.First());
        var byEmail = contacts.GroupBy(c => c.Email.ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First());
        int added = 0, linked = 0, renamed = 0, deactivated = 0, unchanged = 0;
        var enabled = new HashSet<Guid>();
        foreach (var user in members)
        {
            var oid = Guid.Parse(user.Id!);
            var email = (user.Mail ?? user.UserPrincipalName)!;
            var name = MicrosoftSignIn.Trim(string.IsNullOrWhiteSpace(user.DisplayName) ? email : user.DisplayName.Trim(), 200);
            if (user.AccountEnabled == false)
            {
                continue;
            }

            enabled.Add(oid);
            if (byObject.TryGetValue(oid, out var known))
            {
                if (known.Origin == ContactOrigin.Imported && !known.ChangedByHand && known.DisplayName != name)
                {
                    known.DisplayName = name;
                    renamed++;
                }
                else
                {
                    unchanged++;
                }
            }
            else if ((byEmail.TryGetValue(email.ToLowerInvariant(), out var sameAddress) || (user.UserPrincipalName is { } upn && byEmail.TryGetValue(upn.ToLowerInvariant(), out sameAddress)))
                     && sameAddress.DirectoryObjectId is null)
            {
                sameAddress.DirectoryObjectId = oid;
                byObject[oid] = sameAddress;
                linked++;
            }
            else if (sameAddress is not null)
            {
                unchanged++; // the address is tied to another user of the tenant already: left for a person to sort out
            }
            else
            {
                var contact = new Contact
                {
                    Id = Guid.CreateVersion7(),
                    OrganisationId = customer.OrganisationId,
                    CustomerId = customerId,
                    DisplayName = name,
                    Email = email,
                    Origin = ContactOrigin.Imported,
                    DirectoryObjectId = oid,
                    Language = language ??= await Unfiltered.LanguageOf(db, customer.OrganisationId, ct),
                };
                db.Contacts.Add(contact);
                byEmail[email.ToLowerInvariant()] = contact;
                added++;
            }
        }

        // An empty answer is taken for a fault, not for a tenant without people: nobody loses access on it.
        if (enabled.Count > 0)
        {
            foreach (var gone in contacts.Where(c => c.Origin == ContactOrigin.Imported && !c.ChangedByHand && c.IsActive
                                                     && c.DirectoryObjectId is { } id && !enabled.Contains(id)))
            {
                gone.IsActive = false;
                await Staff.EndSessions(db, gone.Id, now, ct);
                deactivated++;
            }
        }

        customer.ContactsImportedAt = now;
        await db.SaveChangesAsync(ct);
        return new ContactImportResult(users.Count, added, linked, renamed, deactivated, unchanged);
    }

    private static string Describe(Exception e) => e switch
    {
        ODataError o => $"{o.ResponseStatusCode} {o.Error?.Code}: {o.Error?.Message}",
        TenantConsentException => "the partner's app has no consent in the customer's tenant.",
        _ => e.Message,
    };
}

public sealed class ContactImportOptions
{
    public const string Section = "PartnerDesk:ContactImport";

    public bool Enabled { get; set; } = true;

    public TimeSpan Tick { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often a customer's users are read again once someone imported them.</summary>
    public TimeSpan Every { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>Reads again, daily, the users of every customer whose users someone imported once.</summary>
public sealed class ContactImportJob(IServiceScopeFactory scopes, ContactImport import, IOptions<ContactImportOptions> options, TimeProvider clock, ILogger<ContactImportJob> log)
    : PeriodicJob(clock, log)
{
    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Tick => options.Value.Tick;

    public override async Task<int> RunOnce(CancellationToken ct)
    {
        if (await JobLeases.TakeForOrganisations(scopes, "contact-import", Tick, Clock, ct) is not { } organisations)
        {
            return 0;
        }

        var imported = 0;
        var before = Clock.GetUtcNow() - options.Value.Every;
        foreach (var organisationId in organisations)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisationId);
            var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
            var due = await db.Customers.AsNoTracking().Where(c => c.ContactsImportedAt != null && c.ContactsImportedAt < before).Select(c => c.Id).ToListAsync(ct);
            foreach (var customerId in due)
            {
                var outcome = await import.Run(db, customerId, ct);
                db.ChangeTracker.Clear();
                if (outcome.Succeeded)
                {
                    imported++;
                }
                else
                {
                    Log.LogInformation("The daily import of customer {Customer}'s users did not run: {Reason}", customerId, outcome.ConflictDetail);
                }
            }
        }

        return imported;
    }
}
