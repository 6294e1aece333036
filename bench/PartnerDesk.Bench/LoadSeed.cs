using System.Text.Json;
using Npgsql;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Bench;

/// <summary>A simulated agent: its personal access token and the customers whose queue it works.</summary>
public sealed record LoadAgent(Guid Id, string Token, AgentRole Role, IReadOnlyList<Guid> Customers);

/// <summary>A simulated portal contact: its personal access token and its customer.</summary>
public sealed record LoadContact(Guid Id, string Token, Guid CustomerId, bool IsCustomerAdmin);

public sealed record LoadPeople(IReadOnlyList<LoadAgent> Agents, IReadOnlyList<LoadContact> Contacts, IReadOnlyList<Guid> Customers);

/// <summary>
/// The people of the load suite, added to the bench's bulk seed: agents and contacts of Contoso with personal access
/// tokens (written as the account page writes them: SHA-256 of a random secret), a GDAP relationship with every bench
/// customer for the helpdesk agents' group, and each contact made the requester of some of its customer's tickets.
/// Tokens, not sign-ins: 1,200 sign-ins from one address would meet the sign-in limit (60 a minute), and a desk's
/// integrations and portals work with long-lived tokens anyway.
/// </summary>
public static class LoadSeed
{
    private static readonly Guid HelpdeskGroup = Guid.Parse("10ad0000-0000-7000-8000-000000000001");

    public static async Task<LoadPeople> Seed(PostgresBenchDatabase database, SeedPlan plan, int agentCount, int contactCount)
    {
        var now = DateTimeOffset.UtcNow;
        var org = SeedPlan.Organisation;
        var random = new Random(23);
        var customers = plan.Customers.Select(c => c.Id).ToList();
        var agents = new List<LoadAgent>();
        var contacts = new List<LoadContact>();
        await using (var db = database.NewContext(new Caller()))
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.SecurityGroups.Add(new SecurityGroup { Id = HelpdeskGroup, OrganisationId = org, DisplayName = "Load helpdesk" });
            for (var i = 0; i < agentCount; i++)
            {
                var id = NewGuid(random);
                var email = $"load-agent-{i:D4}@contoso-cloud.example";
                // One in five an admin (every customer), the rest helpdesk agents reaching customers through GDAP, as at a desk.
                var role = i % 5 == 0 ? AgentRole.AdminAgent : AgentRole.HelpdeskAgent;
                db.Users.Add(Account(id, org, email, AccountKind.Agent));
                db.Agents.Add(new Agent { Id = id, OrganisationId = org, Email = email, DisplayName = $"Load Agent {i:D4}", Role = role });
                if (role == AgentRole.HelpdeskAgent)
                {
                    db.SecurityGroupMembers.Add(new SecurityGroupMember { SecurityGroupId = HelpdeskGroup, AgentId = id, OrganisationId = org });
                }

                // Each agent works the queues of its own share of the customers (a desk splits its customers among its people).
                List<Guid> mine = customers.Count >= agentCount ? [.. customers.Where((_, index) => index % agentCount == i)] : [customers[i % customers.Count]];
                agents.Add(new LoadAgent(id, AddToken(db, org, id, now), role, mine));
            }

            for (var i = 0; i < contactCount; i++)
            {
                var id = NewGuid(random);
                var customer = customers[i % customers.Count];
                var email = $"load-contact-{i:D5}@bench{i % customers.Count:D5}.example";
                var admin = i % 10 == 0;
                db.Users.Add(Account(id, org, email, AccountKind.Contact));
                db.Contacts.Add(new Contact { Id = id, OrganisationId = org, CustomerId = customer, Email = email, DisplayName = $"Load Contact {i:D5}", IsCustomerAdmin = admin });
                contacts.Add(new LoadContact(id, AddToken(db, org, id, now), customer, admin));
            }

            string[] roles = [EntraRoles.HelpdeskAdministrator, EntraRoles.ServiceSupportAdministrator];
            for (var i = 0; i < customers.Count; i++)
            {
                var relationship = $"load-rel-{i:D6}";
                db.DelegatedAdminRelationships.Add(new DelegatedAdminRelationship
                {
                    Id = relationship,
                    OrganisationId = org,
                    CustomerId = customers[i],
                    DisplayName = $"Load GDAP {i:D6}",
                    Status = DelegatedAdminRelationshipStatus.Active,
                    Duration = "P730D",
                    CreatedDateTime = now.AddDays(-30),
                    ActivatedDateTime = now.AddDays(-30),
                    EndDateTime = now.AddDays(700),
                    UnifiedRoles = [.. roles],
                });
                db.DelegatedAdminAccessAssignments.Add(new DelegatedAdminAccessAssignment
                {
                    Id = $"load-asg-{i:D6}",
                    OrganisationId = org,
                    RelationshipId = relationship,
                    CustomerId = customers[i],
                    AccessContainerId = HelpdeskGroup,
                    Status = DelegatedAdminAccessAssignmentStatus.Active,
                    UnifiedRoles = [.. roles],
                    CreatedDateTime = now.AddDays(-30),
                    LastModifiedDateTime = now.AddDays(-30),
                });
            }

            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync();
        }

        // Each contact becomes the requester of up to 20 of its customer's newest tickets (customers with several contacts
        // share them out), so that "my tickets" has something to show and some of it is still open.
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using (var requesters = new NpgsqlCommand("""
            WITH c AS (SELECT "Id", "CustomerId", row_number() OVER (PARTITION BY "CustomerId" ORDER BY "Id") AS rn, count(*) OVER (PARTITION BY "CustomerId") AS n
                       FROM "Contacts" WHERE "Email" LIKE 'load-contact-%'),
                 t AS (SELECT "Id", "CustomerId", row_number() OVER (PARTITION BY "CustomerId" ORDER BY "Number" DESC) AS rn
                       FROM "Tickets" WHERE "CustomerId" IN (SELECT "CustomerId" FROM c))
            UPDATE "Tickets" SET "RequesterContactId" = c."Id"
            FROM t JOIN c ON c."CustomerId" = t."CustomerId" AND (t.rn - 1) % c.n + 1 = c.rn
            WHERE "Tickets"."Id" = t."Id" AND t.rn <= 20 * c.n
            """, connection))
        {
            requesters.CommandTimeout = 600;
            await requesters.ExecuteNonQueryAsync();
        }

        await using (var vacuum = new NpgsqlCommand("VACUUM ANALYZE \"Tickets\", \"Contacts\", \"Agents\", \"ApiTokens\", \"DelegatedAdminAccessAssignments\", \"DelegatedAdminRelationships\"", connection))
        {
            vacuum.CommandTimeout = 600;
            await vacuum.ExecuteNonQueryAsync();
        }

        // The seed's gigabytes written out now, not by the checkpointer during the first phase: both two-instance runs
        // of stop 21 had a dip at the moment a checkpoint of the seed ended (bench/README.md).
        await using (var checkpoint = new NpgsqlCommand("CHECKPOINT", connection))
        {
            checkpoint.CommandTimeout = 600;
            await checkpoint.ExecuteNonQueryAsync();
        }

        return new LoadPeople(agents, contacts, customers);
    }

    public static async Task Write(LoadPeople people, string path) =>
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(people, LoadJson.Options));

    public static LoadPeople Read(string path) =>
        JsonSerializer.Deserialize<LoadPeople>(File.ReadAllText(path), LoadJson.Options) ?? throw new InvalidOperationException($"{path} holds no people.");

    private static string AddToken(PartnerDesk.Platform.Data.PartnerDeskDb db, Guid org, Guid user, DateTimeOffset now)
    {
        var secret = ApiTokens.NewSecret();
        db.ApiTokens.Add(new ApiToken
        {
            OrganisationId = org,
            UserId = user,
            Name = "load suite",
            Kind = ApiTokenKind.Personal,
            TokenHash = ApiTokens.Hash(secret),
            Prefix = secret[..10],
            CreatedAt = now,
            ExpiresAt = now.AddDays(30),
        });
        return secret;
    }

    // No password: these people only ever call the API with their tokens.
    private static UserAccount Account(Guid id, Guid org, string email, AccountKind kind) => new()
    {
        Id = id,
        OrganisationId = org,
        Kind = kind,
        UserName = email,
        NormalizedUserName = email.ToUpperInvariant(),
        Email = email,
        NormalizedEmail = email.ToUpperInvariant(),
        EmailConfirmed = true,
        SecurityStamp = Guid.NewGuid().ToString("N"),
        ConcurrencyStamp = Guid.NewGuid().ToString(),
        LockoutEnabled = true,
    };

    private static Guid NewGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }
}

public static class LoadJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
}
