using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Accounts;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Knowledge;
using PartnerDesk.Features.Mail;
using PartnerDesk.Features.Notifications;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Subscriptions;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Isolation;

/// <summary>
/// Walks every API route in the endpoint data source, as callers of one organisation or customer, with
/// the ids of things they must not reach: in the route, in the body, in the query. Every answer must be
/// a refusal (or, for lists, leave the foreign data out), and nothing may be written. A route added
/// later is walked without anyone remembering to add it here.
/// </summary>
public sealed class EveryRouteRefusesForeignIdsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    [Fact]
    public async Task Every_api_route_refuses_the_ids_of_another_organisation_and_another_customer()
    {
        var world = await ArrangeForeignData();
        var routes = ApiRoutes();
        Assert.True(routes.Count >= 10, $"Only {routes.Count} API routes found: is the endpoint walk broken?");
        var before = await CountEverything();

        var failures = new List<string>();
        var calls = 0;
        foreach (var (email, foreignIds) in world)
        {
            var client = await App.ClientFor(email);
            foreach (var route in routes.Where(r => r.Method == "GET" || r.Pattern.Contains('{', StringComparison.Ordinal) || TakesIds(r.BodyType)))
            {
                foreach (var foreign in foreignIds)
                {
                    calls++;
                    var url = route.Pattern.Contains('{', StringComparison.Ordinal)
                        ? FillRoute(route.Pattern, foreign)
                        : route.Pattern + (route.Method == "GET" ? $"?customerId={foreign}" : "");
                    using var request = new HttpRequestMessage(new HttpMethod(route.Method), url);
                    if (route.BodyType is not null)
                    {
                        request.Content = new StringContent(ProbeBody(route.BodyType, foreign), Encoding.UTF8, "application/json");
                    }

                    using var response = await client.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    var refused = (int)response.StatusCode is >= 400 and < 500;
                    var listWithoutForeignData = route.Method == "GET" && !route.Pattern.Contains('{', StringComparison.Ordinal)
                        && response.IsSuccessStatusCode && !ContainsAny(body, foreignIds);
                    // A route whose Microsoft side is not set up here answers 503; that leaks nothing either.
                    var unavailable = response.StatusCode == HttpStatusCode.ServiceUnavailable && !ContainsAny(body, foreignIds);
                    if (!refused && !listWithoutForeignData && !unavailable)
                    {
                        failures.Add($"{email} {route.Method} {url} -> {(int)response.StatusCode}: {body[..Math.Min(body.Length, 200)]}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} calls were not refused:\n" + string.Join('\n', failures));
        Assert.Equal(before, await CountEverything());
    }

    private sealed record ApiRoute(string Method, string Pattern, Type? BodyType);

    private List<ApiRoute> ApiRoutes()
    {
        var routes = new List<ApiRoute>();
        foreach (var endpoint in App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + endpoint.RoutePattern.RawText?.TrimStart('/');
            if (!pattern.StartsWith("/api/v1/", StringComparison.Ordinal) || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                continue;
            }

            var body = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                routes.Add(new ApiRoute(method, pattern, body));
            }
        }

        return routes;
    }

    /// <summary>A write that names no id (e.g. creating one's own token) has nothing foreign to pass.</summary>
    private static bool TakesIds(Type? body) =>
        body?.GetProperties().Any(p => (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) == typeof(Guid)) == true;

    private static string FillRoute(string pattern, Guid id)
    {
        var builder = new StringBuilder();
        var i = 0;
        while (i < pattern.Length)
        {
            if (pattern[i] == '{')
            {
                var end = pattern.IndexOf('}', i);
                builder.Append(id);
                i = end + 1;
            }
            else
            {
                builder.Append(pattern[i++]);
            }
        }

        return builder.ToString().TrimEnd('/');
    }

    /// <summary>A plausible body of the route's request type, every id in it set to the foreign id.</summary>
    private static string ProbeBody(Type type, Guid foreign)
    {
        var body = new JsonObject();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            JsonNode? value = t == typeof(Guid) ? foreign.ToString()
                : t == typeof(string) ? "Isolation probe"
                : t.IsEnum ? Enum.GetNames(t)[0]
                : t == typeof(int) || t == typeof(long) ? 1
                : t == typeof(bool) ? false
                : null;
            if (value is not null)
            {
                body[name] = value;
            }
        }

        return body.ToJsonString();
    }

    private static bool ContainsAny(string body, Guid[] ids) =>
        ids.Any(id => body.Contains(id.ToString(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Foreign data for three callers: another organisation, another customer, another contact.</summary>
    private async Task<List<(string Email, Guid[] ForeignIds)>> ArrangeForeignData()
    {
        async Task<TicketDetails> File(string email, Guid? customerId, string title)
        {
            var client = await App.ClientFor(email);
            return await (await client.PostAsJsonAsync("/api/v1/tickets", new { customerId, title, description = "d", severity = "C", kind = "Incident" }))
                .Read<TicketDetails>(System.Net.HttpStatusCode.Created);
        }

        async Task<Guid> Note(string email, Guid ticketId)
        {
            var client = await App.ClientFor(email);
            return (await (await client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/messages", new { body = "secret", visibility = "Internal" }))
                .Read<TicketMessageView>(System.Net.HttpStatusCode.Created)).Id;
        }

        async Task<Guid> Token(string email)
        {
            var client = await App.ClientFor(email);
            return (await (await client.PostAsJsonAsync("/api/v1/me/tokens", new { name = "ci", password = TestDatabase.DemoPassword })).Read<CreatedPersonalToken>(System.Net.HttpStatusCode.Created)).Id;
        }

        var fabrikamTicket = await File(Demo.FabrikamAdmin, DemoWorld.Ids.WideWorldImporters, "Fabrikam only");
        var fabrikamNote = await Note(Demo.FabrikamAdmin, fabrikamTicket.Id);
        var fabrikamToken = await Token(Demo.FabrikamAdmin);
        var tailspinTicket = await File(Demo.ContosoAdmin, DemoWorld.Ids.Tailspin, "Tailspin only");
        var tailspinNote = await Note(Demo.ContosoAdmin, tailspinTicket.Id);
        var adminToken = await Token(Demo.ContosoAdmin);
        var itTicket = await File(Demo.AdatumIt, null, "Adatum IT only");
        var litwareTicket = await File(Demo.LitwareIt, null, "Litware only");
        var fabrikamIssue = await Issue(DemoWorld.Ids.Fabrikam, DemoWorld.Ids.WideWorldImporters, "EX900001", null, null);
        var litwareIssue = await Issue(DemoWorld.Ids.Contoso, DemoWorld.Ids.Litware, "EX900002", litwareTicket.Id, null);
        var fabrikamEscalation = await Escalation(DemoWorld.Ids.Fabrikam, fabrikamTicket.Id, DemoWorld.Ids.WideWorldImporters);
        var tailspinEscalation = await Escalation(DemoWorld.Ids.Contoso, tailspinTicket.Id, DemoWorld.Ids.Tailspin);
        var itNotification = (await Issue(DemoWorld.Ids.Contoso, DemoWorld.Ids.Adatum, "EX900003", itTicket.Id, DemoWorld.Ids.AdatumIt)).Notification;
        var fabrikamAlert = await Alert(DemoWorld.Ids.Fabrikam, DemoWorld.Ids.WideWorldImporters, fabrikamTicket.Id);
        var tailspinAlert = await Alert(DemoWorld.Ids.Contoso, DemoWorld.Ids.Tailspin, tailspinTicket.Id);
        var fabrikamTime = await Time(DemoWorld.Ids.Fabrikam, DemoWorld.Ids.WideWorldImporters, fabrikamTicket.Id);
        var tailspinTime = await Time(DemoWorld.Ids.Contoso, DemoWorld.Ids.Tailspin, tailspinTicket.Id);
        var fabrikamContract = await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.SupportContracts.Select(c => c.Id).FirstAsync());
        var litwareContract = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.SupportContracts.Where(c => c.CustomerId == DemoWorld.Ids.Litware).Select(c => c.Id).FirstAsync());
        var fabrikamMail = await MailOf(DemoWorld.Ids.Fabrikam, DemoWorld.Ids.WideWorldImporters, fabrikamTicket.Id);
        var tailspinMail = await MailOf(DemoWorld.Ids.Contoso, DemoWorld.Ids.Tailspin, tailspinTicket.Id);
        var itMail = await MailOf(DemoWorld.Ids.Contoso, DemoWorld.Ids.Adatum, itTicket.Id);
        var fabrikamChange = await ChangeOf(DemoWorld.Ids.Fabrikam, DemoWorld.Ids.WideWorldImporters, fabrikamTicket.Id);
        var tailspinChange = await ChangeOf(DemoWorld.Ids.Contoso, DemoWorld.Ids.Tailspin, tailspinTicket.Id);
        var itChange = await ChangeOf(DemoWorld.Ids.Contoso, DemoWorld.Ids.Adatum, itTicket.Id);
        var fabrikamArticle = await ArticleOf(DemoWorld.Ids.Fabrikam, Features.Knowledge.ArticleVisibility.Public);
        var internalArticle = await ArticleOf(DemoWorld.Ids.Contoso, Features.Knowledge.ArticleVisibility.Internal);

        return
        [
            (Demo.ContosoAdmin, [fabrikamTicket.Id, fabrikamNote, fabrikamToken, DemoWorld.Ids.WideWorldImporters, DemoWorld.Ids.WideWorldIt, DemoWorld.Ids.FabrikamHelpdesk, fabrikamIssue.Issue, fabrikamEscalation,
                fabrikamAlert, fabrikamContract, DemoWorld.Ids.FabrikamCare, DemoWorld.Ids.FabrikamHours, fabrikamTime.Entry, fabrikamTime.Statement,
                fabrikamMail.Mailbox, fabrikamMail.Inbound, fabrikamMail.Triage, fabrikamMail.Attachment, fabrikamChange, fabrikamArticle]),
            (Demo.ContosoHelpdesk, [tailspinTicket.Id, tailspinNote, adminToken, DemoWorld.Ids.Tailspin, DemoWorld.Ids.TailspinIt, fabrikamTicket.Id, fabrikamIssue.Issue, fabrikamEscalation, tailspinEscalation,
                tailspinAlert, fabrikamAlert, fabrikamContract, tailspinTime.Entry, tailspinTime.Statement, fabrikamTime.Entry,
                tailspinMail.Inbound, tailspinMail.Attachment, fabrikamMail.Triage, fabrikamMail.Attachment, tailspinChange, fabrikamChange, fabrikamArticle]),
            (Demo.AdatumAnna, [itTicket.Id, litwareTicket.Id, DemoWorld.Ids.Litware, DemoWorld.Ids.LitwareIt, tailspinTicket.Id, fabrikamTicket.Id, litwareIssue.Issue, itNotification!.Value,
                litwareContract, tailspinAlert, tailspinTime.Entry, itMail.Attachment, itMail.Inbound, itMail.Triage, itMail.Mailbox, tailspinMail.Attachment, itChange, tailspinChange, internalArticle, fabrikamArticle]),
        ];
    }

    /// <summary>A mailbox, a mail that made the ticket, a stranger's mail in triage and an attachment on the ticket.</summary>
    private Task<(Guid Mailbox, Guid Inbound, Guid Triage, Guid Attachment)> MailOf(Guid organisationId, Guid customerId, Guid ticketId) =>
        App.InDatabase(organisationId, async db =>
        {
            var now = App.Clock.GetUtcNow();
            var mailbox = new Features.Mail.Mailbox { OrganisationId = organisationId, Address = $"probe-{Guid.NewGuid():N}@example.test", ImapHost = "h", ImapPort = 993, SmtpHost = "h", SmtpPort = 587, UserName = "u", CreatedAt = now, Enabled = false };
            var inbound = new Features.Mail.InboundMail { OrganisationId = organisationId, MailboxId = mailbox.Id, Uid = 1, MessageKey = Guid.NewGuid().ToString("N"), State = Features.Mail.InboundMailState.Ticket, TicketId = ticketId, ReceivedAt = now, Raw = [1] };
            var triage = new Features.Mail.InboundMail { OrganisationId = organisationId, MailboxId = mailbox.Id, Uid = 2, MessageKey = Guid.NewGuid().ToString("N"), State = Features.Mail.InboundMailState.Triage, ReceivedAt = now, Raw = "From: x@y.example\r\n\r\nhi"u8.ToArray() };
            var attachment = new TicketAttachment { OrganisationId = organisationId, CustomerId = customerId, TicketId = ticketId, FileName = "a.txt", ContentType = "text/plain", Content = [1], Size = 1, CreatedAt = now };
            db.AddRange(mailbox, inbound, triage, attachment);
            await db.SaveChangesAsync();
            return (mailbox.Id, inbound.Id, triage.Id, attachment.Id);
        });

    /// <summary>A knowledge base article, with its search words.</summary>
    private Task<Guid> ArticleOf(Guid organisationId, Features.Knowledge.ArticleVisibility visibility) =>
        App.InDatabase(organisationId, async db =>
        {
            var article = new Features.Knowledge.Article { OrganisationId = organisationId, Title = "Isolation probe", Body = "Isolation probe", Visibility = visibility, UpdatedBy = "test" };
            db.Add(article);
            db.Add(new Features.Knowledge.ArticleTerm { OrganisationId = organisationId, ArticleId = article.Id, Term = "isolation", Weight = 1, Visibility = visibility });
            await db.SaveChangesAsync();
            return article.Id;
        });

    /// <summary>A subscription change request on a ticket.</summary>
    private Task<Guid> ChangeOf(Guid organisationId, Guid customerId, Guid ticketId) =>
        App.InDatabase(organisationId, async db =>
        {
            var change = new Features.Subscriptions.SubscriptionChange
            {
                OrganisationId = organisationId,
                CustomerId = customerId,
                TicketId = ticketId,
                SubscriptionId = "probe",
                SubscriptionName = "Probe",
                Action = Features.Subscriptions.SubscriptionAction.AddLicences,
                Number = 1,
                FromQuantity = 1,
                RequestedAt = App.Clock.GetUtcNow(),
            };
            db.Add(change);
            await db.SaveChangesAsync();
            return change.Id;
        });

    /// <summary>Time on a ticket, and a closed statement of its customer.</summary>
    private Task<(Guid Entry, Guid Statement)> Time(Guid organisationId, Guid customerId, Guid ticketId) =>
        App.InDatabase(organisationId, async db =>
        {
            var now = App.Clock.GetUtcNow();
            var statement = new Features.Billing.Statement
            {
                OrganisationId = organisationId,
                CustomerId = customerId,
                PlanName = "p",
                Currency = "EUR",
                Month = new DateOnly(2020, 1, 1),
                ClosedAt = now,
                ClosedBy = "test",
                Lines = [new Features.Billing.StatementLine { OrganisationId = organisationId, Description = "Plan", Quantity = 1, UnitPrice = 1, Amount = 1 }],
            };
            var entry = new Features.Billing.TimeEntry { OrganisationId = organisationId, CustomerId = customerId, TicketId = ticketId, AgentId = Guid.NewGuid(), AgentName = "a", Minutes = 5, WorkedOn = DateOnly.FromDateTime(now.UtcDateTime), CreatedAt = now };
            db.AddRange(statement, entry);
            await db.SaveChangesAsync();
            return (entry.Id, statement.Id);
        });

    /// <summary>An SLA alert and breach on a ticket, as the sweep writes them.</summary>
    private Task<Guid> Alert(Guid organisationId, Guid customerId, Guid ticketId) =>
        App.InDatabase(organisationId, async db =>
        {
            var alert = new Features.Notifications.AgentAlert { OrganisationId = organisationId, CustomerId = customerId, TicketId = ticketId, Kind = "SlaBreach", Text = "missed", CreatedAt = App.Clock.GetUtcNow() };
            db.Add(alert);
            db.Add(new Features.Sla.SlaBreach { OrganisationId = organisationId, CustomerId = customerId, TicketId = ticketId, Target = SlaTargets.FirstResponse, DueAt = App.Clock.GetUtcNow(), NoticedAt = App.Clock.GetUtcNow() });
            await db.SaveChangesAsync();
            return alert.Id;
        });

    private Task<Guid> Escalation(Guid organisationId, Guid ticketId, Guid customerId) =>
        App.InDatabase(organisationId, async db =>
        {
            var escalation = new Features.Escalations.Escalation
            {
                OrganisationId = organisationId,
                CustomerId = customerId,
                TicketId = ticketId,
                Title = "t",
                Description = "d",
                Severity = "minimal",
                State = Features.Escalations.EscalationState.Open,
                ServiceRequestId = "616100000000001",
                CreatedAt = App.Clock.GetUtcNow(),
                CreatedByName = "test",
                Category = Features.Escalations.EscalationCategory.ServiceUnavailable,
                SupportTopicId = "32444671",
            };
            db.Add(escalation);
            await db.SaveChangesAsync();
            return escalation.Id;
        });

    /// <summary>A service health issue of one customer, optionally linked to a ticket and told to a contact.</summary>
    private Task<(Guid Issue, Guid? Notification)> Issue(Guid organisationId, Guid customerId, string microsoftId, Guid? ticketId, Guid? contactId) =>
        App.InDatabase(organisationId, async db =>
        {
            var now = App.Clock.GetUtcNow();
            var issue = new ServiceHealthIssue
            {
                OrganisationId = organisationId,
                MicrosoftId = microsoftId,
                Title = "Mail delays",
                Service = "Exchange Online",
                Status = "serviceDegradation",
                StartDateTime = now,
                LastModifiedDateTime = now,
                FirstSeenAt = now,
            };
            db.Add(issue);
            db.Add(new ServiceHealthPost { OrganisationId = organisationId, IssueId = issue.Id, CreatedDateTime = now, PostType = "regular", Text = "Investigating." });
            db.Add(new AffectedCustomer { OrganisationId = organisationId, IssueId = issue.Id, CustomerId = customerId, FirstSeenAt = now });
            db.Add(new CustomerServiceStatus { OrganisationId = organisationId, CustomerId = customerId, Service = "Exchange Online", Status = "serviceDegradation", UpdatedAt = now });
            if (ticketId is { } ticket)
            {
                db.Add(new TicketIssueLink { OrganisationId = organisationId, CustomerId = customerId, TicketId = ticket, IssueId = issue.Id, Score = 1, LinkedAt = now, LinkedBy = "test" });
            }

            Notification? notification = contactId is { } contact
                ? new Notification { OrganisationId = organisationId, CustomerId = customerId, ContactId = contact, TicketId = ticketId, Kind = "IncidentUpdate", Subject = "s", Body = "b", CreatedAt = now }
                : null;
            if (notification is not null)
            {
                db.Add(notification);
            }

            await db.SaveChangesAsync();
            return (issue.Id, notification?.Id);
        });

    private Task<string> CountEverything() => App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        string.Join(',',
            await db.Tickets.IgnoreQueryFilters().CountAsync(),
            await db.TicketMessages.IgnoreQueryFilters().CountAsync(),
            await db.TicketEvents.IgnoreQueryFilters().CountAsync(),
            await db.ApiTokens.IgnoreQueryFilters().CountAsync(t => t.Kind == ApiTokenKind.Personal && t.RevokedAt == null),
            await db.IdempotencyRecords.IgnoreQueryFilters().CountAsync(),
            await db.TicketIssueLinks.IgnoreQueryFilters().CountAsync(l => l.State != KnownIssueLinkState.Suggested),
            await db.Notifications.IgnoreQueryFilters().CountAsync(n => n.ReadAt != null),
            await db.HealthSyncStates.IgnoreQueryFilters().CountAsync(),
            await db.Escalations.IgnoreQueryFilters().CountAsync(),
            await db.OutboxMessages.IgnoreQueryFilters().CountAsync(),
            await db.Mailboxes.IgnoreQueryFilters().CountAsync(),
            await db.InboundMails.IgnoreQueryFilters().CountAsync(m => m.State != Features.Mail.InboundMailState.Triage),
            await db.TicketAttachments.IgnoreQueryFilters().CountAsync(),
            await db.Articles.IgnoreQueryFilters().CountAsync(),
            string.Concat(await db.SubscriptionChanges.IgnoreQueryFilters().OrderBy(c => c.Id).Select(c => c.Id + ":" + c.State + ";").ToListAsync()),
            string.Concat(await db.Tickets.IgnoreQueryFilters().OrderBy(t => t.Id)
                .Select(t => t.Id + ":" + t.Status + t.Severity + t.AssigneeAgentId + t.Title + ";").ToListAsync())));
}
