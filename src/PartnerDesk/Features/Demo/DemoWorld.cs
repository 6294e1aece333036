using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Satisfaction;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Demo;

/// <summary>
/// The demo world of DESIGN section 9. Tests and newcomers rely on its names, e-mail addresses and ids,
/// so they are fixed here.
/// </summary>
public static class DemoWorld
{
    public static class Ids
    {
        public static readonly Guid Contoso = new("0c0c0c0c-0000-7000-8000-000000000001");
        public static readonly Guid Northwind = new("0c0c0c0c-0000-7000-8000-000000000002");
        public static readonly Guid Fabrikam = new("0c0c0c0c-0000-7000-8000-000000000003");
        public static readonly Guid Alpine = new("0c0c0c0c-0000-7000-8000-000000000004");

        public static readonly Guid Adatum = new("0c0c0c0c-0001-7000-8000-000000000001");
        public static readonly Guid Litware = new("0c0c0c0c-0001-7000-8000-000000000002");
        public static readonly Guid Tailspin = new("0c0c0c0c-0001-7000-8000-000000000003");
        public static readonly Guid WideWorldImporters = new("0c0c0c0c-0001-7000-8000-000000000004");
        public static readonly Guid WoodgroveBank = new("0c0c0c0c-0001-7000-8000-000000000005");

        public static readonly Guid ContosoAdmin = new("0c0c0c0c-0002-7000-8000-000000000001");
        public static readonly Guid ContosoHelpdesk = new("0c0c0c0c-0002-7000-8000-000000000002");
        public static readonly Guid ContosoSales = new("0c0c0c0c-0002-7000-8000-000000000003");
        public static readonly Guid NorthwindAdmin = new("0c0c0c0c-0002-7000-8000-000000000004");
        public static readonly Guid FabrikamAdmin = new("0c0c0c0c-0002-7000-8000-000000000005");
        public static readonly Guid FabrikamHelpdesk = new("0c0c0c0c-0002-7000-8000-000000000006");
        public static readonly Guid AlpineAgent = new("0c0c0c0c-0002-7000-8000-000000000007");

        public static readonly Guid AdatumIt = new("0c0c0c0c-0003-7000-8000-000000000001");
        public static readonly Guid AdatumAnna = new("0c0c0c0c-0003-7000-8000-000000000002");
        public static readonly Guid LitwareIt = new("0c0c0c0c-0003-7000-8000-000000000003");
        public static readonly Guid TailspinIt = new("0c0c0c0c-0003-7000-8000-000000000004");
        public static readonly Guid WideWorldIt = new("0c0c0c0c-0003-7000-8000-000000000005");
        public static readonly Guid WoodgroveIt = new("0c0c0c0c-0003-7000-8000-000000000006");

        public static readonly Guid ContosoHelpdeskGroup = new("0c0c0c0c-0004-7000-8000-000000000001");
        public static readonly Guid ContosoEscalationGroup = new("0c0c0c0c-0004-7000-8000-000000000002");
        public static readonly Guid FabrikamHelpdeskGroup = new("0c0c0c0c-0004-7000-8000-000000000003");

        public static readonly Guid ContosoHours = new("0c0c0c0c-0005-7000-8000-000000000001");
        public static readonly Guid FabrikamHours = new("0c0c0c0c-0005-7000-8000-000000000002");
        public static readonly Guid ContosoStandard = new("0c0c0c0c-0006-7000-8000-000000000001");
        public static readonly Guid ContosoPremium = new("0c0c0c0c-0006-7000-8000-000000000002");
        public static readonly Guid FabrikamCare = new("0c0c0c0c-0006-7000-8000-000000000003");
    }

    public static string NewPassword() =>
        "Demo-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant() + "!";

    /// <summary>
    /// The demo partners' Partner Center accounts, as if their admins had connected them: refresh tokens the
    /// simulated Entra ID honours (across its restarts), stored as a consent in the console stores them.
    /// </summary>
    public static async Task ConnectPartnerCenter(PartnerDeskDb db, IDataProtector protector, string clientId, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        foreach (var (organisation, admin) in new[] { (Ids.Contoso, "admin@contoso-cloud.example"), (Ids.Northwind, "admin@northwind-distribution.example"), (Ids.Fabrikam, "admin@fabrikam-solutions.example") })
        {
            db.Add(new PartnerCenterConnection
            {
                OrganisationId = organisation,
                PartnerTenantId = organisation,
                ProtectedRefreshToken = protector.Protect(PartnerDesk.Simulator.Graph.SimulatedGrants.ForPartnerCenter(organisation, admin, clientId)),
                Source = ConnectionSource.Console,
                ConnectedBy = admin,
                ConnectedAt = now,
            });
        }

        // The demo starts as seeded: Partner Center's daily import (which lists a few more customers) runs from tomorrow, or when an admin asks.
        db.JobLeases.Add(new Platform.Jobs.JobLease { Name = CustomerImportJob.LeaseName, Holder = "demo seed", ExpiresAt = now + TimeSpan.FromHours(23) });
        await db.SaveChangesAsync();
    }

    public static async Task Seed(PartnerDeskDb db, IPasswordHasher<UserAccount> hasher, string password, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(); // all of it, or nothing
        // One hash for every demo account: seeding stays fast, and the accounts share one password anyway.
        var passwordHash = hasher.HashPassword(new UserAccount(), password);

        db.Organisations.AddRange(
            new Organisation { Id = Ids.Contoso, TenantId = Ids.Contoso, Name = "Contoso Cloud Services", Kind = OrganisationKind.DirectBill, CreatedAt = now },
            new Organisation { Id = Ids.Northwind, TenantId = Ids.Northwind, Name = "Northwind Distribution", Kind = OrganisationKind.IndirectProvider, CreatedAt = now },
            new Organisation { Id = Ids.Fabrikam, TenantId = Ids.Fabrikam, Name = "Fabrikam Solutions", Kind = OrganisationKind.IndirectReseller, IndirectProviderId = Ids.Northwind, CreatedAt = now },
            new Organisation { Id = Ids.Alpine, TenantId = Ids.Alpine, Name = "Alpine Support Services", Kind = OrganisationKind.SupportProvider, CreatedAt = now });

        Customer NewCustomer(Guid id, Guid org, string name, string domain, string? zone = null) => new()
        {
            TimeZoneId = zone,
            Id = id,
            OrganisationId = org,
            Name = name,
            DefaultDomain = domain,
            TenantId = TenantOf(id),
            CreatedAt = now,
        };
        db.Customers.AddRange(
            NewCustomer(Ids.Adatum, Ids.Contoso, "Adatum Corporation", "adatum.example"),
            NewCustomer(Ids.Litware, Ids.Contoso, "Litware Inc.", "litware.example", "America/New_York"),
            NewCustomer(Ids.Tailspin, Ids.Contoso, "Tailspin Toys", "tailspintoys.example"),
            NewCustomer(Ids.WideWorldImporters, Ids.Fabrikam, "Wide World Importers", "wideworldimporters.example"),
            NewCustomer(Ids.WoodgroveBank, Ids.Fabrikam, "Woodgrove Bank", "woodgrovebank.example"));

        void AddAgent(Guid id, Guid org, string email, string name, AgentRole role)
        {
            db.Users.Add(Account(id, org, email, AccountKind.Agent, passwordHash));
            db.Agents.Add(new Agent { Id = id, OrganisationId = org, Email = email, DisplayName = name, Role = role });
        }

        AddAgent(Ids.ContosoAdmin, Ids.Contoso, "admin@contoso-cloud.example", "Adele Vance", AgentRole.AdminAgent);
        AddAgent(Ids.ContosoHelpdesk, Ids.Contoso, "helpdesk@contoso-cloud.example", "Diego Siciliani", AgentRole.HelpdeskAgent);
        AddAgent(Ids.ContosoSales, Ids.Contoso, "sales@contoso-cloud.example", "Megan Bowen", AgentRole.SalesAgent);
        AddAgent(Ids.NorthwindAdmin, Ids.Northwind, "admin@northwind-distribution.example", "Nestor Wilke", AgentRole.AdminAgent);
        AddAgent(Ids.FabrikamAdmin, Ids.Fabrikam, "admin@fabrikam-solutions.example", "Lynne Robbins", AgentRole.AdminAgent);
        AddAgent(Ids.FabrikamHelpdesk, Ids.Fabrikam, "helpdesk@fabrikam-solutions.example", "Lee Gu", AgentRole.HelpdeskAgent);
        AddAgent(Ids.AlpineAgent, Ids.Alpine, "agent@alpine-support.example", "Johanna Lorenz", AgentRole.HelpdeskAgent);

        void AddContact(Guid id, Guid org, Guid customer, string email, string name, bool admin)
        {
            db.Users.Add(Account(id, org, email, AccountKind.Contact, passwordHash));
            db.Contacts.Add(new Contact { Id = id, OrganisationId = org, CustomerId = customer, Email = email, DisplayName = name, IsCustomerAdmin = admin });
        }

        AddContact(Ids.AdatumIt, Ids.Contoso, Ids.Adatum, "it@adatum.example", "Adatum IT", true);
        AddContact(Ids.AdatumAnna, Ids.Contoso, Ids.Adatum, "anna@adatum.example", "Anna Becker", false);
        AddContact(Ids.LitwareIt, Ids.Contoso, Ids.Litware, "it@litware.example", "Litware IT", true);
        AddContact(Ids.TailspinIt, Ids.Contoso, Ids.Tailspin, "it@tailspintoys.example", "Tailspin IT", true);
        AddContact(Ids.WideWorldIt, Ids.Fabrikam, Ids.WideWorldImporters, "it@wideworldimporters.example", "Wide World IT", true);
        AddContact(Ids.WoodgroveIt, Ids.Fabrikam, Ids.WoodgroveBank, "it@woodgrovebank.example", "Woodgrove IT", true);

        db.SecurityGroups.AddRange(
            new SecurityGroup { Id = Ids.ContosoHelpdeskGroup, OrganisationId = Ids.Contoso, DisplayName = "Contoso Helpdesk Agents" },
            new SecurityGroup { Id = Ids.ContosoEscalationGroup, OrganisationId = Ids.Contoso, DisplayName = "Contoso Escalation Engineers" },
            new SecurityGroup { Id = Ids.FabrikamHelpdeskGroup, OrganisationId = Ids.Fabrikam, DisplayName = "Fabrikam Helpdesk Agents" });
        db.SecurityGroupMembers.AddRange(
            new SecurityGroupMember { SecurityGroupId = Ids.ContosoHelpdeskGroup, AgentId = Ids.ContosoHelpdesk, OrganisationId = Ids.Contoso },
            new SecurityGroupMember { SecurityGroupId = Ids.ContosoEscalationGroup, AgentId = Ids.ContosoAdmin, OrganisationId = Ids.Contoso },
            new SecurityGroupMember { SecurityGroupId = Ids.FabrikamHelpdeskGroup, AgentId = Ids.FabrikamHelpdesk, OrganisationId = Ids.Fabrikam });

        string[] supportRoles = [EntraRoles.HelpdeskAdministrator, EntraRoles.ServiceSupportAdministrator, EntraRoles.GlobalReader];
        // The same relationships as Microsoft's side of the demo (the simulator's scenarios/demo.json), so that a GDAP sync changes nothing.
        var assignments = 0;
        void AddGdap(Guid org, Guid customer, string name, Guid group, string[] roles)
        {
            assignments++;
            var relationshipId = $"{group}-{TenantOf(customer)}";
            db.DelegatedAdminRelationships.Add(new DelegatedAdminRelationship
            {
                Id = relationshipId,
                OrganisationId = org,
                CustomerId = customer,
                DisplayName = name,
                Status = DelegatedAdminRelationshipStatus.Active,
                Duration = "P730D",
                CreatedDateTime = now.AddDays(-120),
                ActivatedDateTime = now.AddDays(-119),
                EndDateTime = now.AddDays(-119).AddDays(730),
                UnifiedRoles = [.. supportRoles, EntraRoles.ExchangeAdministrator, EntraRoles.UserAdministrator],
            });
            db.DelegatedAdminAccessAssignments.Add(new DelegatedAdminAccessAssignment
            {
                Id = $"0c0c0c0c-0007-7000-8000-{assignments:D12}",
                OrganisationId = org,
                RelationshipId = relationshipId,
                CustomerId = customer,
                AccessContainerId = group,
                Status = DelegatedAdminAccessAssignmentStatus.Active,
                UnifiedRoles = [.. roles],
                CreatedDateTime = now.AddDays(-119),
                LastModifiedDateTime = now.AddDays(-119),
            });
        }

        AddGdap(Ids.Contoso, Ids.Adatum, "Contoso support Adatum", Ids.ContosoHelpdeskGroup, supportRoles);
        AddGdap(Ids.Contoso, Ids.Litware, "Contoso support Litware", Ids.ContosoHelpdeskGroup, supportRoles);
        // Tailspin granted Contoso only Exchange administration for its escalation engineers: the helpdesk cannot reach it.
        AddGdap(Ids.Contoso, Ids.Tailspin, "Contoso Exchange Tailspin", Ids.ContosoEscalationGroup, [EntraRoles.ExchangeAdministrator]);
        AddGdap(Ids.Fabrikam, Ids.WideWorldImporters, "Fabrikam support WWI", Ids.FabrikamHelpdeskGroup, supportRoles);
        AddGdap(Ids.Fabrikam, Ids.WoodgroveBank, "Fabrikam support Woodgrove", Ids.FabrikamHelpdeskGroup, supportRoles);

        SeedPlans(db, now);
        await db.SaveChangesAsync();
        await SeedTickets(db, now);
        await transaction.CommitAsync();
    }

    /// <summary>
    /// Contoso sells a standard plan it delivers itself (Litware) and a premium plan whose tickets outside its
    /// hours go to Alpine Support Services (Adatum); Tailspin has no contract. Fabrikam resells Northwind's care.
    /// </summary>
    private static void SeedPlans(PartnerDeskDb db, DateTimeOffset now)
    {
        SupportCalendar Hours(Guid id, Guid org, string name)
        {
            var calendar = new SupportCalendar { Id = id, OrganisationId = org, Name = name, TimeZoneId = "Europe/Berlin" };
            foreach (var day in new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday })
            {
                calendar.Intervals.Add(new CalendarInterval { OrganisationId = org, CalendarId = id, Day = day, Start = new TimeOnly(8, 0), End = new TimeOnly(18, 0) });
            }

            foreach (var (month, day, holiday) in new[] { (1, 1, "Neujahr"), (5, 1, "Tag der Arbeit"), (10, 3, "Tag der Deutschen Einheit"), (12, 24, "Heiligabend"), (12, 25, "1. Weihnachtstag"), (12, 26, "2. Weihnachtstag"), (12, 31, "Silvester") })
            {
                calendar.Holidays.Add(new CalendarHoliday { OrganisationId = org, CalendarId = id, Date = new DateOnly(2000, month, day), Yearly = true, Name = holiday });
            }

            return calendar;
        }

        PlanSlaTarget Target(Guid org, Guid plan, Severity severity, int first, int next, int resolution, bool allHours = false) => new()
        {
            OrganisationId = org,
            PlanId = plan,
            Severity = severity,
            FirstResponseMinutes = first,
            NextResponseMinutes = next,
            ResolutionMinutes = resolution,
            AroundTheClock = allHours,
        };

        db.AddRange(Hours(Ids.ContosoHours, Ids.Contoso, "Contoso service hours"), Hours(Ids.FabrikamHours, Ids.Fabrikam, "Fabrikam service hours"));
        var standard = new SupportPlan
        {
            Id = Ids.ContosoStandard,
            OrganisationId = Ids.Contoso,
            Name = "Business Standard Support",
            Delivery = SupportDelivery.Direct,
            Description = "Microsoft 365 support by Contoso's own engineers during service hours.",
            CalendarId = Ids.ContosoHours,
            SupportEmail = "support@contoso-cloud.example",
            MonthlyFee = 290m,
            PerSeatFee = 2.50m,
            IncludedHours = 4m,
            HourlyRate = 120m,
            UpdatedAt = now,
            Targets = [Target(Ids.Contoso, Ids.ContosoStandard, Severity.A, 60, 120, 480), Target(Ids.Contoso, Ids.ContosoStandard, Severity.B, 240, 480, 2400), Target(Ids.Contoso, Ids.ContosoStandard, Severity.C, 480, 960, 4800)],
            PhoneLines = [new PlanPhoneLine { OrganisationId = Ids.Contoso, PlanId = Ids.ContosoStandard, Label = "Service desk", Number = "+49 89 1234 5670" }],
        };
        var premium = new SupportPlan
        {
            Id = Ids.ContosoPremium,
            OrganisationId = Ids.Contoso,
            Name = "Business Premium Support",
            Delivery = SupportDelivery.Mixed,
            Description = "Contoso's engineers during service hours; outside them, Alpine Support Services answers for Contoso. Severity A around the clock.",
            ProviderOrganisationId = Ids.Alpine,
            ProviderName = "Alpine Support Services",
            CalendarId = Ids.ContosoHours,
            SupportEmail = "support@contoso-cloud.example",
            PauseWhileEscalated = true,
            MonthlyFee = 690m,
            PerSeatFee = 4m,
            IncludedHours = 10m,
            HourlyRate = 110m,
            PerIncidentFee = 0m,
            PrepaidBlockHours = 10m,
            PrepaidBlockPrice = 1000m,
            ProviderMonthlyFee = 150m,
            ProviderHourlyRate = 60m,
            ProviderPerIncidentFee = 25m,
            UpdatedAt = now,
            Targets = [Target(Ids.Contoso, Ids.ContosoPremium, Severity.A, 30, 60, 240, allHours: true), Target(Ids.Contoso, Ids.ContosoPremium, Severity.B, 120, 240, 1440), Target(Ids.Contoso, Ids.ContosoPremium, Severity.C, 240, 480, 2880)],
            PhoneLines =
            [
                new PlanPhoneLine { OrganisationId = Ids.Contoso, PlanId = Ids.ContosoPremium, Label = "Service desk", Number = "+49 89 1234 5670" },
                new PlanPhoneLine { OrganisationId = Ids.Contoso, PlanId = Ids.ContosoPremium, Label = "Emergency line", Number = "+49 89 1234 5699", AroundTheClock = true, SeverityAOnly = true },
            ],
            RoutingRules = [new PlanRoutingRule { OrganisationId = Ids.Contoso, PlanId = Ids.ContosoPremium, OutsideServiceHours = true }],
        };
        var care = new SupportPlan
        {
            Id = Ids.FabrikamCare,
            OrganisationId = Ids.Fabrikam,
            Name = "Fabrikam Care",
            Delivery = SupportDelivery.ResoldFrom,
            ProviderName = "Northwind Distribution",
            Description = "Fabrikam's service desk, backed by Northwind Distribution's support.",
            CalendarId = Ids.FabrikamHours,
            SupportEmail = "support@fabrikam-solutions.example",
            MonthlyFee = 150m,
            PerSeatFee = 0m,
            IncludedHours = 2m,
            HourlyRate = 95m,
            PerIncidentFee = 45m,
            ProviderMonthlyFee = 40m,
            ProviderPerIncidentFee = 20m,
            UpdatedAt = now,
            Targets = [Target(Ids.Fabrikam, Ids.FabrikamCare, Severity.A, 60, 120, 960, allHours: true), Target(Ids.Fabrikam, Ids.FabrikamCare, Severity.B, 480, 960, 4800), Target(Ids.Fabrikam, Ids.FabrikamCare, Severity.C, 960, 1920, 9600)],
            PhoneLines = [new PlanPhoneLine { OrganisationId = Ids.Fabrikam, PlanId = Ids.FabrikamCare, Label = "Service desk", Number = "+49 30 555 0100" }],
        };
        db.AddRange(standard, premium, care);
        db.AddRange(
            new SupportProfile { OrganisationId = Ids.Contoso, Email = "support@contoso-cloud.example", Telephone = "+49 89 1234 5670", Website = "https://contoso-cloud.example/support", UpdatedAt = now },
            new SupportProfile { OrganisationId = Ids.Fabrikam, Email = "support@fabrikam-solutions.example", Telephone = "+49 30 555 0100", Website = "https://fabrikam-solutions.example/support", UpdatedAt = now });

        // Contoso asks its customers how satisfied they are after each resolution; Fabrikam does not (the default).
        db.Add(new SatisfactionSurvey { OrganisationId = Ids.Contoso, Enabled = true, UpdatedAt = now });

        var since = DateOnly.FromDateTime(now.UtcDateTime).AddMonths(-6);
        db.AddRange(
            new SupportContract { OrganisationId = Ids.Contoso, CustomerId = Ids.Adatum, PlanId = Ids.ContosoPremium, StartsOn = since, Seats = 120, UpdatedAt = now },
            new SupportContract { OrganisationId = Ids.Contoso, CustomerId = Ids.Litware, PlanId = Ids.ContosoStandard, StartsOn = since, Seats = 35, HourlyRate = 105m, UpdatedAt = now },
            new SupportContract { OrganisationId = Ids.Fabrikam, CustomerId = Ids.WideWorldImporters, PlanId = Ids.FabrikamCare, StartsOn = since, Seats = 60, UpdatedAt = now },
            new SupportContract { OrganisationId = Ids.Fabrikam, CustomerId = Ids.WoodgroveBank, PlanId = Ids.FabrikamCare, StartsOn = since, Seats = 250, MonthlyFee = 400m, UpdatedAt = now });
    }

    private static async Task SeedTickets(PartnerDeskDb db, DateTimeOffset now)
    {
        (Guid Org, Guid Customer, Guid Requester, string Title, string Description, Severity Severity, TicketKind Kind, string Service, TicketStatus Status, Channel Channel)[] tickets =
        [
            (Ids.Contoso, Ids.Adatum, Ids.AdatumAnna, "Outlook cannot send mail since this morning", "Every message stays in the outbox with error 0x800CCC0F. Colleagues in Munich see the same.", Severity.B, TicketKind.Incident, "Exchange Online", TicketStatus.New, Channel.Portal),
            (Ids.Contoso, Ids.Adatum, Ids.AdatumIt, "Add 5 Microsoft 365 E3 licences", "We hire five people on 1 December.", Severity.C, TicketKind.SubscriptionChange, "Microsoft 365", TicketStatus.New, Channel.Portal),
            (Ids.Contoso, Ids.Litware, Ids.LitwareIt, "Teams meetings drop after 10 minutes", "Since Monday all external meetings end after about ten minutes.", Severity.B, TicketKind.Incident, "Microsoft Teams", TicketStatus.Open, Channel.Phone),
            (Ids.Contoso, Ids.Tailspin, Ids.TailspinIt, "SharePoint site quota warning", "Our marketing site says it is at 95% of its storage.", Severity.C, TicketKind.ServiceRequest, "SharePoint Online", TicketStatus.PendingCustomer, Channel.Email),
            (Ids.Fabrikam, Ids.WideWorldImporters, Ids.WideWorldIt, "Mailbox migration for new subsidiary", "Please plan the move of 40 mailboxes.", Severity.C, TicketKind.ServiceRequest, "Exchange Online", TicketStatus.Open, Channel.Portal),
            (Ids.Fabrikam, Ids.WoodgroveBank, Ids.WoodgroveIt, "Conditional access blocks branch office", "Branch users get AADSTS53003 since the policy change.", Severity.A, TicketKind.Incident, "Microsoft Entra ID", TicketStatus.New, Channel.Portal),
        ];
        var numbers = new Dictionary<Guid, long>();
        var minutes = tickets.Length * 30;
        foreach (var t in tickets)
        {
            numbers[t.Org] = numbers.GetValueOrDefault(t.Org) + 1;
            var at = now.AddMinutes(-minutes);
            minutes -= 30;
            var draft = new TicketDraft(t.Org, t.Customer, t.Title, t.Description, t.Kind, t.Severity, t.Channel)
            {
                Service = t.Service,
                RequesterContactId = t.Requester,
                CreatedByUserId = t.Requester,
                Status = t.Status,
            };
            var (ticket, created) = OpenTicket.Build(draft, t.Requester, "Demo", t.Channel.ToString(), at);
            ticket.Number = numbers[t.Org]; // seeded in one save, with the counters set below
            db.Tickets.Add(ticket);
            db.TicketEvents.Add(created);
        }

        foreach (var (org, last) in numbers)
        {
            db.TicketNumberCounters.Add(new TicketNumberCounter { OrganisationId = org, LastNumber = last });
        }

        await db.SaveChangesAsync();
    }

    private static UserAccount Account(Guid id, Guid org, string email, AccountKind kind, string passwordHash) => new()
    {
        Id = id,
        OrganisationId = org,
        Kind = kind,
        UserName = email,
        NormalizedUserName = email.ToUpperInvariant(),
        Email = email,
        NormalizedEmail = email.ToUpperInvariant(),
        EmailConfirmed = true,
        PasswordHash = passwordHash,
        SecurityStamp = Guid.NewGuid().ToString("N"),
        ConcurrencyStamp = Guid.NewGuid().ToString(),
        LockoutEnabled = true,
    };

    /// <summary>A stable, made-up Entra tenant id for a demo customer.</summary>
    public static Guid TenantOf(Guid customerId)
    {
        var bytes = customerId.ToByteArray();
        bytes[0] ^= 0x5a;
        return new Guid(bytes);
    }
}
