using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;

namespace PartnerDesk.Bench;

public sealed record SeedCustomer(Guid Id, string Name, Guid TenantId, string DefaultDomain, DateTimeOffset CreatedAt);

public sealed record SeedTicket(
    Guid Id,
    Guid CustomerId,
    long Number,
    string Title,
    string Description,
    TicketKind Kind,
    Severity Severity,
    TicketStatus Status,
    string? Service,
    Channel Channel,
    Guid CreatedByUserId,
    Guid? AssigneeAgentId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? FirstRespondedAt = null,
    DateTimeOffset? FirstResponseDueAt = null,
    DateTimeOffset? ResolutionDueAt = null,
    int SlaBreached = 0);

/// <summary>What a ticket's messages need of it (small: the PostgreSQL seed keeps one per ticket between its two COPYs).</summary>
public sealed record SeedThread(Guid Id, Guid CustomerId, long Number, DateTimeOffset CreatedAt, Guid CreatedByUserId)
{
    public static SeedThread Of(SeedTicket t) => new(t.Id, t.CustomerId, t.Number, t.CreatedAt, t.CreatedByUserId);
}

public sealed record SeedMessage(Guid Id, Guid CustomerId, Guid TicketId, Guid AuthorUserId, string AuthorName, bool AuthorIsAgent, string Body, MessageVisibility Visibility, DateTimeOffset CreatedAt);

/// <summary>
/// A deterministic Contoso with many customers and two years of tickets. The spread follows a real desk:
/// a few customers file most tickets, most tickets are closed, the open queue is the last weeks' work.
/// </summary>
public sealed class SeedPlan(int customerCount, int ticketCount, DateTimeOffset now)
{
    public static readonly Guid Organisation = DemoWorld.Ids.Contoso;

    private static readonly string?[] Services =
    [
        "Exchange Online", "Microsoft Teams", "SharePoint Online", "Microsoft Entra ID", "Microsoft 365",
        "Microsoft Intune", "OneDrive for Business", "Microsoft Azure", "Power BI", null,
    ];

    private static readonly string[] Problems =
    [
        "Outlook cannot send mail", "Teams meetings drop", "Licence assignment fails", "MFA prompt loops",
        "Shared mailbox missing", "Site storage almost full", "Device enrolment stuck", "Guest access blocked",
        "Conditional access blocks sign-in", "Sync client stops syncing", "Add licences", "Remove a subscription",
        "New user onboarding", "Password reset does not arrive", "Calendar sharing broken", "Report refresh fails",
    ];

    private static readonly Guid[] Agents = [DemoWorld.Ids.ContosoAdmin, DemoWorld.Ids.ContosoHelpdesk];

    public int CustomerCount => customerCount;
    public int TicketCount => ticketCount;
    public DateTimeOffset Now => now;

    /// <summary>Numbers continue after the demo world's own Contoso tickets.</summary>
    public long FirstNumber { get; init; } = 1;

    public long LastNumber => FirstNumber + ticketCount - 1;

    public IReadOnlyList<SeedCustomer> Customers { get; } = MakeCustomers(customerCount, now);

    private static List<SeedCustomer> MakeCustomers(int count, DateTimeOffset now)
    {
        var random = new Random(17);
        var customers = new List<SeedCustomer>(count);
        for (var i = 1; i <= count; i++)
        {
            var created = now.AddDays(-900 + (i * 0.1));
            customers.Add(new SeedCustomer(
                Guid.CreateVersion7(created), $"Bench Customer {i:D5} Ltd", NewGuid(random), $"bench{i:D5}.example", created));
        }

        return customers;
    }

    /// <summary>Tickets oldest first, so that numbers and time-ordered ids grow together as in real life.</summary>
    public IEnumerable<SeedTicket> Tickets()
    {
        var random = new Random(42);
        var sla = new Random(43);
        var span = TimeSpan.FromDays(730);
        var start = now - span - TimeSpan.FromHours(3); // the demo world's tickets stay the newest
        for (var i = 0; i < ticketCount; i++)
        {
            var created = start + (span * ((i + random.NextDouble()) / ticketCount));
            var age = now - created;
            var status = StatusFor(age, random);
            // Squaring a uniform number skews the load: the first customers file most tickets.
            var customer = Customers[(int)(Math.Pow(random.NextDouble(), 2) * Customers.Count)];
            var problem = Problems[random.Next(Problems.Length)];
            var updated = created + TimeSpan.FromMinutes(random.Next(5, 60 * 24 * 3));
            if (updated > now)
            {
                updated = now;
            }

            // The same draws in the same order as before the SLA's times were seeded, so the tickets stay those earlier runs measured.
            var description = $"{problem} since {created:yyyy-MM-dd HH:mm} UTC for {random.Next(1, 400)} users of {customer.Name}. Steps tried: restart, new profile, another device. Ticket {i}.";
            var kind = Pick(random, (60, TicketKind.Incident), (30, TicketKind.ServiceRequest), (10, TicketKind.SubscriptionChange));
            var severity = Pick(random, (5, Severity.A), (35, Severity.B), (60, Severity.C));
            var service = Services[random.Next(Services.Length)];
            var channel = Pick(random, (40, Channel.Portal), (35, Channel.Email), (15, Channel.Phone), (10, Channel.Api));
            var createdBy = Agents[random.Next(Agents.Length)];
            Guid? assignee = status == TicketStatus.New ? null : Agents[random.Next(Agents.Length)];
            DateTimeOffset? resolved = status is TicketStatus.Resolved or TicketStatus.Closed ? updated : null;

            // The SLA's times, for the reports (a random of their own): a first response minutes to hours after filing
            // (none while New), due times by severity in calendar time, and the breaches they make.
            DateTimeOffset? responded = status == TicketStatus.New ? null : created + TimeSpan.FromMinutes(5 + (Math.Pow(sla.NextDouble(), 3) * 1440));
            var responseDue = created + TimeSpan.FromMinutes(severity switch { Severity.A => 60, Severity.B => 240, _ => 480 });
            var resolutionDue = created + TimeSpan.FromHours(severity switch { Severity.A => 8, Severity.B => 40, _ => 80 });
            var breached = ((responded ?? now) > responseDue ? 1 : 0) | ((resolved ?? now) > resolutionDue ? 4 : 0);
            yield return new SeedTicket(
                Guid.CreateVersion7(created), customer.Id, FirstNumber + i, $"{problem} ({customer.DefaultDomain})", description, kind, severity, status, service,
                channel, createdBy, assignee, created, updated, resolved, responded, responseDue, resolutionDue, breached);
        }
    }

    /// <summary>Words of a conversation: German and English, as a desk's are.</summary>
    private static readonly string[] Replies =
    [
        "Wir haben die Postfächer geprüft und die Berechtigungen neu gesetzt.", "Please try again after signing out of every session.",
        "Die Synchronisierung läuft wieder, bitte kurz bestätigen.", "The licence is assigned now; it can take an hour to apply.",
        "Bitte senden Sie uns einen Screenshot der Fehlermeldung.", "We moved the mailbox to the new database overnight.",
    ];

    private static readonly string[] Notes =
    [
        "Checked the admin center, nothing in service health.", "Kunde hat kein Premium-Abo, Eskalation nicht möglich.",
        "Same tenant had this last month, see the older ticket.", "Conditional access policy changed by the customer's own admin.",
    ];

    /// <summary>
    /// Three messages of a ticket: the customer's question, an agent's reply, an internal note. One ticket in 10,000 has
    /// a rare word in its note. Called once per ticket in the tickets' order, with one Random for the whole seed.
    /// </summary>
    public static IEnumerable<SeedMessage> Messages(SeedThread t, Random random)
    {
        var at = t.CreatedAt;
        yield return new SeedMessage(Guid.CreateVersion7(at.AddMinutes(1)), t.CustomerId, t.Id, Guid.Empty, "Customer", false,
            $"Still broken for {random.Next(1, 50)} colleagues, any news? Ticket {t.Number}.", MessageVisibility.Public, at.AddMinutes(1));
        yield return new SeedMessage(Guid.CreateVersion7(at.AddMinutes(2)), t.CustomerId, t.Id, t.CreatedByUserId, "Contoso agent", true,
            Replies[random.Next(Replies.Length)], MessageVisibility.Public, at.AddMinutes(2));
        var note = Notes[random.Next(Notes.Length)];
        yield return new SeedMessage(Guid.CreateVersion7(at.AddMinutes(3)), t.CustomerId, t.Id, t.CreatedByUserId, "Contoso agent", true,
            t.Number % 10_000 == 0 ? note + " Kerberos ticket lifetime looked wrong." : note, MessageVisibility.Internal, at.AddMinutes(3));
    }

    private static TicketStatus StatusFor(TimeSpan age, Random random) => age.TotalDays switch
    {
        < 30 => Pick(random, (15, TicketStatus.New), (35, TicketStatus.Open), (15, TicketStatus.PendingCustomer),
            (5, TicketStatus.Escalated), (20, TicketStatus.Resolved), (10, TicketStatus.Closed)),
        // A few old tickets never get closed: the queue's long tail.
        _ => Pick(random, (4, TicketStatus.Open), (3, TicketStatus.PendingCustomer), (43, TicketStatus.Resolved),
            (950, TicketStatus.Closed)),
    };

    private static T Pick<T>(Random random, params (int Weight, T Value)[] choices)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (weight, value) in choices)
        {
            if (roll < weight)
            {
                return value;
            }

            roll -= weight;
        }

        throw new InvalidOperationException("Unreachable: the roll is below the total weight.");
    }

    private static Guid NewGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }
}
