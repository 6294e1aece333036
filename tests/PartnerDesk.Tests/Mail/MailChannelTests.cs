using System.Net;
using System.Net.Http.Json;
using MailKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Mail;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Mail;

/// <summary>
/// The e-mail channel against real Postfix and Dovecot: customers' mail becomes tickets and replies, exactly
/// once; PartnerDesk's letters arrive in the customers' mailboxes in their language, threaded, in the partner's name.
/// </summary>
public sealed class MailChannelTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<int> Outbox() => App.Services.GetRequiredService<OutboxDispatcher>().RunOnce(Ct);

    private Task<MailRound> Read(Guid mailboxId, Guid organisation) => App.Services.GetRequiredService<MailboxWatcher>().ReadOnce(mailboxId, organisation, Ct);

    /// <summary>A support mailbox of Contoso, and Adatum's IT contact at a fresh address, so no other test shares either.</summary>
    private async Task<(MailServers Mail, Guid MailboxId, string Support, string Customer)> Arrange(string language = "en")
    {
        var mail = await MailServers.Instance;
        var support = MailServers.Address("support", "contoso-cloud.example");
        var customer = MailServers.Address("it", "adatum.example");
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var mailbox = await (await admin.PostAsJsonAsync("/api/v1/mailboxes", mail.MailboxRequest(support, isDefault: true), Ct)).Read<MailboxView>(HttpStatusCode.Created);
        await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            await db.Contacts.Where(c => c.Id == DemoWorld.Ids.AdatumIt).ExecuteUpdateAsync(c => c.SetProperty(x => x.Email, customer).SetProperty(x => x.Language, language), Ct);
            return 0;
        });
        App.Services.GetRequiredService<OutboundMailboxes>().Forget(DemoWorld.Ids.Contoso);
        return (mail, mailbox.Id, support, customer);
    }

    private static MimeMessage Mail(string from, string to, string subject, string text, string? messageId = null)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Adatum IT", from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = messageId ?? MimeKit.Utils.MimeUtils.GenerateMessageId("adatum.example");
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    [Fact]
    public async Task A_mail_becomes_a_ticket_the_customer_hears_back_and_a_reply_threads_into_it()
    {
        var (mail, mailboxId, support, customer) = await Arrange();
        var first = Mail(customer, support, "Outlook cannot connect", "Since 9:00 nobody in Munich can open Outlook.");
        var body = new Multipart("mixed") { first.Body!, new MimePart("text", "csv") { FileName = "users.csv", Content = new MimeContent(new MemoryStream("user,error\nanna,0x800CCC0E\n"u8.ToArray())) } };
        first.Body = body;
        await mail.Send(first);
        await mail.Inbox(support);

        var round = await Read(mailboxId, DemoWorld.Ids.Contoso);

        Assert.Equal(1, round.Tickets);
        Assert.Equal(1, await mail.SeenCount(support));
        var agent = await App.ClientFor(Demo.ContosoAdmin);
        var tickets = await (await agent.GetAsync($"/api/v1/tickets?customerId={DemoWorld.Ids.Adatum}&q=Outlook%20cannot%20connect", Ct)).Read<Page<TicketSummary>>();
        var summary = Assert.Single(tickets.Items);
        var ticket = await (await agent.GetAsync($"/api/v1/tickets/{summary.Id}", Ct)).Read<TicketDetails>();
        Assert.Equal((Channel.Email, DemoWorld.Ids.AdatumIt, TicketStatus.New), (ticket.Channel, ticket.RequesterId, ticket.Status));
        Assert.Contains("nobody in Munich", ticket.Description, StringComparison.Ordinal);
        var attachment = Assert.Single(await (await agent.GetAsync($"/api/v1/tickets/{ticket.Id}/attachments", Ct)).Read<List<TicketAttachmentView>>());
        Assert.Equal("users.csv", attachment.FileName);
        Assert.Contains("0x800CCC0E", await agent.GetStringAsync($"/api/v1/attachments/{attachment.Id}", Ct), StringComparison.Ordinal);

        // The acknowledgement: in the partner's name, numbered, marked automatic.
        await Outbox();
        var received = Assert.Single(await mail.Inbox(customer));
        Assert.Equal($"[{ticket.Number}] Outlook cannot connect", received.Subject);
        Assert.Equal(("Contoso Cloud Services", support), (received.From.Mailboxes.Single().Name, received.From.Mailboxes.Single().Address));
        Assert.Equal("auto-generated", received.Headers[HeaderId.AutoSubmitted]);
        Assert.Equal(first.MessageId, received.InReplyTo);
        Assert.Contains("We have logged it as ticket", received.TextBody, StringComparison.Ordinal);

        // The agent answers in the console; the customer's mail client threads the answer.
        await (await agent.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/messages", new { body = "Please restart Outlook in safe mode (outlook.exe /safe) and tell us what you see." }, Ct)).Read<TicketMessageView>(HttpStatusCode.Created);
        await agent.PatchAsJsonAsync($"/api/v1/tickets/{ticket.Id}", new { status = "PendingCustomer" }, Ct);
        await Outbox();
        var answers = await mail.Inbox(customer, 2);
        Assert.Equal(2, answers.Count); // the acknowledgement and the reply: waiting on the customer is said in the reply, not in a mail of its own
        var answer = answers[1];
        Assert.Null(answer.Headers[HeaderId.AutoSubmitted]);
        Assert.Contains("outlook.exe /safe", answer.TextBody, StringComparison.Ordinal);
        Assert.Contains(received.MessageId, answer.References);

        // The customer answers above the line; the quoted letter stays out of the ticket.
        var reply = Mail(customer, support, "Re: " + answer.Subject, $"Safe mode works.\n\nOn Tuesday Contoso wrote:\n> {MailParser.ReplyAbove}\n> Please restart Outlook");
        reply.InReplyTo = answer.MessageId;
        reply.References.Add(answer.MessageId!);
        await mail.Send(reply);
        await mail.Inbox(support, 2);
        Assert.Equal(1, (await Read(mailboxId, DemoWorld.Ids.Contoso)).Replies);

        var messages = await (await agent.GetAsync($"/api/v1/tickets/{ticket.Id}/messages", Ct)).Read<List<TicketMessageView>>();
        Assert.Equal("Safe mode works.", messages[^1].Body);
        Assert.False(messages[^1].AuthorIsAgent);
        Assert.Equal(TicketStatus.Open, (await (await agent.GetAsync($"/api/v1/tickets/{ticket.Id}", Ct)).Read<TicketDetails>()).Status);
    }

    [Fact]
    public async Task Each_message_is_taken_once_even_read_again_from_the_start_or_delivered_twice()
    {
        var (mail, mailboxId, support, customer) = await Arrange();
        var message = Mail(customer, support, "Teams calls drop", "Calls drop after 30 seconds.");
        await mail.Send(message);
        await mail.Send(message); // the same Message-ID delivered twice (a resend by the customer's server)
        await mail.Inbox(support, 2);

        var first = await Read(mailboxId, DemoWorld.Ids.Contoso);
        Assert.Equal((1, 1), (first.Tickets, first.Duplicates));

        // As after a crash between commit and flag, or a new UIDVALIDITY: the reader starts over.
        await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Mailboxes.Where(m => m.Id == mailboxId).ExecuteUpdateAsync(m => m.SetProperty(x => x.LastUid, 0).SetProperty(x => x.UidValidity, 1), Ct));
        var again = await Read(mailboxId, DemoWorld.Ids.Contoso);

        Assert.Equal((0, 2), (again.Tickets, again.Duplicates));
        var count = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.CountAsync(t => t.Title == "Teams calls drop", Ct));
        Assert.Equal(1, count);
        Assert.Equal(0, (await Read(mailboxId, DemoWorld.Ids.Contoso)).Total); // nothing new: an empty round
    }

    [Fact]
    public async Task Strangers_wait_in_triage_auto_replies_are_ignored_and_an_agent_makes_a_ticket_for_the_customer_it_picks()
    {
        var (mail, mailboxId, support, customer) = await Arrange();
        var stranger = MailServers.Address("someone", "gmail.example");
        await mail.Send(Mail(stranger, support, "Need help with licences", "We are new. Can you help?"));
        var outOfOffice = Mail(customer, support, "Automatic reply: [PD-1] something", "I am out of office.");
        outOfOffice.Headers.Add(HeaderId.AutoSubmitted, "auto-replied");
        await mail.Send(outOfOffice);
        var bounce = Mail("mailer-daemon@adatum.example", support, "Undelivered Mail Returned to Sender", "This is the mail system.");
        await mail.Send(bounce);
        await mail.Inbox(support, 3);

        var round = await Read(mailboxId, DemoWorld.Ids.Contoso);
        Assert.Equal((1, 2, 0), (round.Triage, round.Ignored, round.Tickets));
        await Outbox();
        Assert.Empty(await mail.Inbox(customer, 1, waitSeconds: 1)); // nobody answers an auto-reply

        var agent = await App.ClientFor(Demo.ContosoAdmin);
        var triage = await (await agent.GetAsync("/api/v1/mail/inbound?state=Triage", Ct)).Read<Page<InboundMailView>>();
        var item = Assert.Single(triage.Items, i => i.FromAddress == stranger);
        Assert.True(item.HasRaw);
        Assert.Contains("Need help with licences", await agent.GetStringAsync($"/api/v1/mail/inbound/{item.Id}/raw", Ct), StringComparison.Ordinal);

        // Another organisation sees none of it.
        var fabrikam = await App.ClientFor(Demo.FabrikamAdmin);
        Assert.DoesNotContain((await (await fabrikam.GetAsync("/api/v1/mail/inbound", Ct)).Read<Page<InboundMailView>>()).Items, i => i.Id == item.Id);
        // A stranger's mail may concern any customer: a GDAP-limited helpdesk agent does not see it, nor its bytes.
        var helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);
        Assert.DoesNotContain((await (await helpdesk.GetAsync("/api/v1/mail/inbound?state=Triage", Ct)).Read<Page<InboundMailView>>()).Items, i => i.Id == item.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await helpdesk.GetAsync($"/api/v1/mail/inbound/{item.Id}/raw", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fabrikam.PostAsJsonAsync($"/api/v1/mail/inbound/{item.Id}/ticket", new { customerId = DemoWorld.Ids.WideWorldImporters }, Ct)).StatusCode);
        await (await agent.PostAsJsonAsync($"/api/v1/mail/inbound/{item.Id}/ticket", new { customerId = DemoWorld.Ids.WideWorldImporters }, Ct)).ProblemNaming("customerId");

        var ticket = await (await agent.PostAsJsonAsync($"/api/v1/mail/inbound/{item.Id}/ticket", new { customerId = DemoWorld.Ids.Tailspin }, Ct)).Read<TicketDetails>();
        Assert.Equal((DemoWorld.Ids.Tailspin, Channel.Email, "Need help with licences"), (ticket.CustomerId, ticket.Channel, ticket.Title));
        Assert.Equal(HttpStatusCode.Conflict, (await agent.PostAsJsonAsync($"/api/v1/mail/inbound/{item.Id}/ticket", new { customerId = DemoWorld.Ids.Tailspin }, Ct)).StatusCode);

        // The stranger hears back from the partner at its own address.
        await Outbox();
        var ack = Assert.Single(await mail.Inbox(stranger));
        Assert.StartsWith($"[{ticket.Number}]", ack.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_german_contact_gets_german_letters_with_the_partners_profile_and_logo()
    {
        var (mail, _, _, customer) = await Arrange(language: "de");
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        await (await admin.PutAsJsonAsync("/api/v1/profiles/support", new { email = "hilfe@contoso-cloud.example", telephone = "+49 89 1234 5600", website = "https://contoso-cloud.example/hilfe" }, Ct)).Read<Features.Organisations.SupportProfileView>();
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
        var logo = new ByteArrayContent(png);
        logo.Headers.ContentType = new("image/png");
        await (await admin.PutAsync("/api/v1/profiles/support/logo", logo, Ct)).Read<Features.Organisations.SupportProfileView>();
        var svg = new StringContent("<svg onload=alert(1)>");
        svg.Headers.ContentType = new("image/png"); // named a PNG, but is not one
        await (await admin.PutAsync("/api/v1/profiles/support/logo", svg, Ct)).ProblemNaming("logo");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await admin.PutAsync("/api/v1/profiles/support/logo", new StringContent("<svg/>"), Ct)).StatusCode);

        var contact = await App.ClientFor(Demo.AdatumIt);
        var created = await (await contact.PostAsJsonAsync("/api/v1/tickets", new { title = "Drucker <b>offline</b>", description = "Seit heute früh.", severity = "B", kind = "Incident" }, Ct)).Read<TicketDetails>(HttpStatusCode.Created);
        await Outbox();

        var letter = Assert.Single(await mail.Inbox(customer));
        Assert.Equal($"[{created.Number}] Drucker <b>offline</b>", letter.Subject);
        Assert.Contains("vielen Dank für Ihre Anfrage", letter.TextBody, StringComparison.Ordinal);
        Assert.Contains("Telefon: +49 89 1234 5600", letter.TextBody, StringComparison.Ordinal);
        Assert.Contains("Drucker &lt;b&gt;offline&lt;/b&gt;", letter.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("cid:" + MailTemplates.LogoContentId, letter.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(letter.BodyParts, p => p.ContentId == MailTemplates.LogoContentId && p.ContentType.MimeType == "image/png");
    }

    [Fact]
    public async Task A_stored_mailbox_secret_goes_only_where_it_was_given_for()
    {
        var admin = await App.ClientFor(Demo.NorthwindAdmin);
        var address = $"desk-{Guid.NewGuid():N}@northwind-distribution.example"[..40];
        var created = await (await admin.PostAsJsonAsync("/api/v1/mailboxes", new
        {
            address,
            imapHost = "imap.northwind-distribution.example",
            imapPort = 993,
            smtpHost = "smtp.northwind-distribution.example",
            smtpPort = 587,
            userName = address,
            password = "the mailbox's secret",
            enabled = false,
        }, Ct)).Read<MailboxView>(HttpStatusCode.Created);
        object Change(string smtpHost = "smtp.northwind-distribution.example", string imapSecurity = "Tls", string? password = null) => new
        {
            address,
            imapHost = "imap.northwind-distribution.example",
            imapPort = 993,
            imapSecurity,
            smtpHost,
            smtpPort = 587,
            userName = address,
            password,
            enabled = false,
        };

        // Where it connects unchanged: the stored secret stays.
        Assert.True((await (await admin.PutAsJsonAsync($"/api/v1/mailboxes/{created.Id}", Change(), Ct)).Read<MailboxView>()).HasSecret);

        // Elsewhere, or without encryption: only with the secret typed again.
        await (await admin.PutAsJsonAsync($"/api/v1/mailboxes/{created.Id}", Change(smtpHost: "mail.elsewhere.example"), Ct)).ProblemNaming("password");
        await (await admin.PutAsJsonAsync($"/api/v1/mailboxes/{created.Id}", Change(imapSecurity: "None"), Ct)).ProblemNaming("password");
        var moved = await (await admin.PutAsJsonAsync($"/api/v1/mailboxes/{created.Id}", Change(smtpHost: "mail.elsewhere.example", password: "typed again"), Ct)).Read<MailboxView>();
        Assert.Equal("mail.elsewhere.example", moved.SmtpHost);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/mailboxes/{created.Id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_mailbox_whose_mail_waits_for_an_agent_is_not_deleted_with_it()
    {
        var admin = await App.ClientFor(Demo.NorthwindAdmin);
        var address = $"triage-{Guid.NewGuid():N}"[..20] + "@northwind-distribution.example";
        var mailbox = await (await admin.PostAsJsonAsync("/api/v1/mailboxes", new
        {
            address,
            imapHost = "imap.northwind-distribution.example",
            imapPort = 993,
            smtpHost = "smtp.northwind-distribution.example",
            smtpPort = 587,
            userName = address,
            password = "secret",
            enabled = false,
        }, Ct)).Read<MailboxView>(HttpStatusCode.Created);
        var waiting = new InboundMail
        {
            OrganisationId = DemoWorld.Ids.Northwind,
            MailboxId = mailbox.Id,
            Uid = 1,
            MessageKey = Guid.NewGuid().ToString("N"),
            FromAddress = "someone@unknown.example",
            Subject = "Who reads this?",
            ReceivedAt = App.Clock.GetUtcNow(),
            State = InboundMailState.Triage,
        };
        await App.InDatabase(DemoWorld.Ids.Northwind, db =>
        {
            db.InboundMails.Add(waiting);
            return db.SaveChangesAsync(Ct);
        });

        var refused = await (await admin.DeleteAsync($"/api/v1/mailboxes/{mailbox.Id}", Ct)).Problem(HttpStatusCode.Conflict);
        Assert.Contains("triage", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(await App.InDatabase(DemoWorld.Ids.Northwind, db => db.InboundMails.AnyAsync(m => m.Id == waiting.Id, Ct)));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/mail/inbound/{waiting.Id}/discard", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/mailboxes/{mailbox.Id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_mailbox_with_bad_settings_is_refused_naming_the_field_and_only_admins_see_mailboxes()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var mail = await MailServers.Instance;
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", new { address = "not an address", imapHost = "h", imapPort = 993, smtpHost = "h", smtpPort = 587, userName = "u", password = "p" }, Ct)).ProblemNaming("address");
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", new { address = "a@b.example", imapHost = "h", imapPort = 0, smtpHost = "h", smtpPort = 587, userName = "u", password = "p" }, Ct)).ProblemNaming("imapPort");
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", new { address = "a@b.example", imapHost = "h", imapPort = 993, smtpHost = "h", smtpPort = 587, userName = "u" }, Ct)).ProblemNaming("password");
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", new { address = "a@b.example", imapHost = "h", imapPort = 993, smtpHost = "h", smtpPort = 587, userName = "u", password = "p", login = "MicrosoftOAuth" }, Ct)).ProblemNaming("tenantId");
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", new { address = "a@b.example", imapHost = "h", imapPort = 993, smtpHost = "h", smtpPort = 587, userName = "u", password = "p", imapSecurity = "Sometimes" }, Ct)).ProblemNaming("imapSecurity");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.ContosoHelpdesk)).GetAsync("/api/v1/mailboxes", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.AdatumIt)).GetAsync("/api/v1/mail/inbound", Ct)).StatusCode);

        // A wrong password: the read says why, the mailbox keeps the reason, and no secret is ever shown.
        var address = MailServers.Address("wrong", "contoso-cloud.example");
        var request = mail.MailboxRequest(address);
        var json = System.Text.Json.JsonSerializer.Serialize(request).Replace($"\"password\":\"{mail.Password}\"", "\"password\":\"not-the-password\"", StringComparison.Ordinal);
        var wrong = await (await admin.PostAsync("/api/v1/mailboxes", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct)).Read<MailboxView>(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.BadGateway, (await admin.PostAsync($"/api/v1/mailboxes/{wrong.Id}/read", null, Ct)).StatusCode);
        var listed = Assert.Single((await (await admin.GetAsync("/api/v1/mailboxes", Ct)).Read<List<MailboxView>>()), m => m.Id == wrong.Id);
        Assert.Equal(PartnerDesk.Platform.Outbound.ConnectionProblems.SignIn, listed.LastError); // a category, not the server's words
        Assert.True(listed.HasSecret);
        Assert.DoesNotContain("not-the-password", await admin.GetStringAsync("/api/v1/mailboxes", Ct), StringComparison.Ordinal);
        var stored = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Mailboxes.Where(m => m.Id == wrong.Id).Select(m => m.ProtectedSecret).FirstAsync(Ct));
        Assert.DoesNotContain("not-the-password", stored, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/mailboxes/{wrong.Id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_resellers_escalation_reaches_a_provider_elsewhere_by_mail_with_only_what_was_shared()
    {
        var mail = await MailServers.Instance;
        var support = MailServers.Address("desk", "fabrikam-solutions.example");
        var provider = MailServers.Address("escalations", "distributor.example");
        var admin = await App.ClientFor(Demo.FabrikamAdmin);
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", mail.MailboxRequest(support), Ct)).Read<MailboxView>(HttpStatusCode.Created);
        await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.Organisations.Where(o => o.Id == DemoWorld.Ids.Fabrikam)
            .ExecuteUpdateAsync(o => o.SetProperty(x => x.IndirectProviderId, (Guid?)null).SetProperty(x => x.IndirectProviderEmail, provider), Ct));
        App.Services.GetRequiredService<OutboundMailboxes>().Forget(DemoWorld.Ids.Fabrikam);
        var reseller = await App.ClientFor(Demo.FabrikamHelpdesk);
        var ticket = await (await reseller.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.WoodgroveBank, title = "Mailbox migration stuck", description = "The move request stays at 95 %.", severity = "A", kind = "Incident", service = "Exchange Online" }, Ct))
            .Read<TicketDetails>(HttpStatusCode.Created);
        await reseller.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/messages", new { body = "Only internal: the customer's admin broke it first.", visibility = "Internal" }, Ct);

        var escalation = await (await reseller.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/escalations", new { }, Ct)).Read<Features.Escalations.EscalationView>(HttpStatusCode.Created);
        await Outbox(); // hands it on: an e-mail message in the outbox
        await Outbox(); // sends it

        var received = Assert.Single(await mail.Inbox(provider));
        Assert.Contains($"[{ticket.Number}]", received.Subject, StringComparison.Ordinal);
        Assert.Contains("The move request stays at 95 %.", received.TextBody, StringComparison.Ordinal);
        Assert.Contains("Woodgrove Bank", received.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Only internal", received.TextBody, StringComparison.Ordinal);
        Assert.Equal(support, received.From.Mailboxes.Single().Address);
        var sent = await (await reseller.GetAsync($"/api/v1/escalations/{escalation.Id}", Ct)).Read<Features.Escalations.EscalationDetails>();
        Assert.Equal(Features.Escalations.EscalationState.Open, sent.Escalation.State);

        // The provider answers by mail: an internal note for the reseller's agents, never a word to the customer.
        var answer = Mail(provider, support, "Re: " + received.Subject, "We see the move stuck on our side too; a fix is rolling out.");
        answer.InReplyTo = received.MessageId;
        await mail.Send(answer);
        await mail.Inbox(support);
        var mailboxId = await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.Mailboxes.Where(m => m.Address == support).Select(m => m.Id).FirstAsync(Ct));
        Assert.Equal(1, (await Read(mailboxId, DemoWorld.Ids.Fabrikam)).Replies);
        var messages = await (await reseller.GetAsync($"/api/v1/tickets/{ticket.Id}/messages", Ct)).Read<List<TicketMessageView>>();
        var note = Assert.Single(messages, m => m.Body.Contains("fix is rolling out", StringComparison.Ordinal));
        Assert.Equal(MessageVisibility.Internal, note.Visibility);

        // A forged From with only the ticket number in the subject is no provider answer.
        await mail.Send(Mail(provider, support, $"Re: [{ticket.Number}] Mailbox migration stuck", "Ignore the above, close the ticket."));
        await mail.Inbox(support, 2);
        Assert.Equal(1, (await Read(mailboxId, DemoWorld.Ids.Fabrikam)).Triage);
        messages = await (await reseller.GetAsync($"/api/v1/tickets/{ticket.Id}/messages", Ct)).Read<List<TicketMessageView>>();
        Assert.DoesNotContain(messages, m => m.Body.Contains("Ignore the above", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_new_mailbox_takes_its_unread_mail_not_its_history()
    {
        var mail = await MailServers.Instance;
        var support = MailServers.Address("history", "contoso-cloud.example");
        await mail.AppendRaw(support, System.Text.Encoding.ASCII.GetBytes($"From: it@adatum.example\r\nSubject: Old and answered\r\nMessage-ID: <old-{Guid.NewGuid():N}@adatum.example>\r\n\r\nLong done.\r\n"));
        using (var imap = new MailKit.Net.Imap.ImapClient())
        {
            await imap.ConnectAsync(mail.Host, mail.ImapPort, MailKit.Security.SecureSocketOptions.None, Ct);
            await imap.AuthenticateAsync(support, mail.Password, Ct);
            await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadWrite, Ct);
            await imap.Inbox.AddFlagsAsync(0, MailKit.MessageFlags.Seen, true, Ct);
        }

        await mail.AppendRaw(support, System.Text.Encoding.ASCII.GetBytes($"From: it@adatum.example\r\nSubject: Waiting for an answer\r\nMessage-ID: <unread-{Guid.NewGuid():N}@adatum.example>\r\n\r\nStill open.\r\n"));
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var mailbox = await (await admin.PostAsJsonAsync("/api/v1/mailboxes", mail.MailboxRequest(support), Ct)).Read<MailboxView>(HttpStatusCode.Created);

        var first = await Read(mailbox.Id, DemoWorld.Ids.Contoso);
        await mail.AppendRaw(support, System.Text.Encoding.ASCII.GetBytes($"From: it@adatum.example\r\nSubject: Something new\r\nMessage-ID: <new-{Guid.NewGuid():N}@adatum.example>\r\n\r\nNew.\r\n"));
        var second = await Read(mailbox.Id, DemoWorld.Ids.Contoso);

        Assert.Equal((1, 1), (first.Tickets, second.Tickets));
        var titles = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.InboundMails.Where(m => m.MailboxId == mailbox.Id).Select(m => m.Subject).ToListAsync(Ct));
        Assert.Equal(["Something new", "Waiting for an answer"], titles.Order());
    }

    [Fact]
    public async Task A_sender_that_keeps_opening_tickets_is_held_in_triage_so_no_mail_loop_runs()
    {
        var (mail, mailboxId, support, customer) = await Arrange();
        for (var i = 0; i <= MailIntake.LoopLimit; i++)
        {
            await mail.AppendRaw(support, System.Text.Encoding.ASCII.GetBytes($"From: {customer}\r\nSubject: I am away {i}\r\nMessage-ID: <loop-{i}-{Guid.NewGuid():N}@adatum.example>\r\n\r\nOut of office, without saying so in the headers.\r\n"));
        }

        var round = await Read(mailboxId, DemoWorld.Ids.Contoso);

        Assert.Equal((MailIntake.LoopLimit, 1), (round.Tickets, round.Triage));
    }

    [Fact]
    public async Task Resolution_an_incident_update_and_the_support_terms_reach_the_contact_by_mail()
    {
        var (mail, _, _, customer) = await Arrange();
        var contact = await App.ClientFor(Demo.AdatumIt);
        var ticket = await (await contact.PostAsJsonAsync("/api/v1/tickets", new { title = "Mail delayed", description = "Mail arrives an hour late.", severity = "B", kind = "Incident", service = "Exchange Online" }, Ct))
            .Read<TicketDetails>(HttpStatusCode.Created);

        // Microsoft posts on the issue behind the ticket: the requester hears it from the partner.
        await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var now = App.Clock.GetUtcNow();
            var issue = new Features.ServiceHealth.ServiceHealthIssue
            {
                OrganisationId = DemoWorld.Ids.Contoso,
                MicrosoftId = $"EX{Random.Shared.Next(100000, 999999)}",
                Title = "Mail delivery delays",
                Service = "Exchange Online",
                Status = "serviceDegradation",
                StartDateTime = now,
                LastModifiedDateTime = now,
                FirstSeenAt = now,
            };
            db.Add(issue);
            db.Add(new Features.ServiceHealth.ServiceHealthPost { OrganisationId = DemoWorld.Ids.Contoso, IssueId = issue.Id, PostType = "regular", Text = "We are rerouting traffic to healthy servers.", CreatedDateTime = now });
            db.Add(new Features.ServiceHealth.TicketIssueLink { OrganisationId = DemoWorld.Ids.Contoso, CustomerId = DemoWorld.Ids.Adatum, TicketId = ticket.Id, IssueId = issue.Id, State = Features.ServiceHealth.KnownIssueLinkState.Confirmed, LinkedAt = now, LinkedBy = "test" });
            await db.SaveChangesAsync(Ct);
            return await Features.ServiceHealth.IncidentLifecycle.TellLinkedTickets(db, DemoWorld.Ids.Contoso, issue.Id, "We are rerouting traffic to healthy servers.", resolved: false, now, Ct);
        });

        var agent = await App.ClientFor(Demo.ContosoAdmin);
        (await agent.PatchAsJsonAsync($"/api/v1/tickets/{ticket.Id}", new { status = "Resolved" }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Accepted, (await contact.PostAsJsonAsync("/api/v1/support-terms/send", new { }, Ct)).StatusCode);
        await (await agent.PostAsJsonAsync("/api/v1/support-terms/send", new { contactId = DemoWorld.Ids.WideWorldIt }, Ct)).ProblemNaming("contactId");
        await Outbox();

        var letters = await mail.Inbox(customer, 4);
        Assert.Equal(4, letters.Count);
        Assert.Contains(letters, l => l.Subject == $"[{ticket.Number}] Mail delayed" && (l.TextBody ?? "").Contains("We have logged it", StringComparison.Ordinal));
        Assert.Contains(letters, l => l.Subject == $"[{ticket.Number}] Update on the Exchange Online issue" && (l.TextBody ?? "").Contains("rerouting traffic", StringComparison.Ordinal));
        Assert.Contains(letters, l => l.Subject == $"[{ticket.Number}] Mail delayed" && (l.TextBody ?? "").Contains("marked your ticket", StringComparison.Ordinal));
        var terms = Assert.Single(letters, l => l.Subject == "Your support terms with Contoso Cloud Services");
        Assert.Contains("Business Premium Support", terms.TextBody, StringComparison.Ordinal);
        Assert.All(letters, l => Assert.Contains(MailParser.ReplyAbove, l.TextBody, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_language_a_contact_picks_in_the_portal_is_the_language_of_its_mail()
    {
        var browser = await App.CookieClientFor(Demo.LitwareIt);
        await PartnerDeskApp.SwitchLanguage(browser, "de", ct: Ct);
        Assert.Equal("de", await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.Where(c => c.Id == DemoWorld.Ids.LitwareIt).Select(c => c.Language).FirstAsync(Ct)));

        await PartnerDeskApp.SwitchLanguage(browser, "fr", ct: Ct); // not offered: nothing changes
        Assert.Equal("de", await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.Where(c => c.Id == DemoWorld.Ids.LitwareIt).Select(c => c.Language).FirstAsync(Ct)));
        await PartnerDeskApp.SwitchLanguage(browser, "en", ct: Ct);
        Assert.Equal("en", await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.Where(c => c.Id == DemoWorld.Ids.LitwareIt).Select(c => c.Language).FirstAsync(Ct)));
    }
}
