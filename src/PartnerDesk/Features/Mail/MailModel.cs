using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Mail;

public enum MailSecurity
{
    /// <summary>Plain text: only for servers on the same host (the tests' Dovecot and Postfix).</summary>
    None,
    StartTls,
    Tls,
}

public enum MailLogin
{
    /// <summary>User name and password (any IMAP/SMTP server).</summary>
    Password,

    /// <summary>Exchange Online: OAuth2 client credentials of an Entra app (XOAUTH2), see docs/mail.md.</summary>
    MicrosoftOAuth,
}

/// <summary>
/// A support mailbox of an organisation: read over IMAP for new requests and replies, and the sender of the
/// organisation's mail over SMTP. Its password (or the app's client secret) is kept encrypted.
/// </summary>
public sealed class Mailbox : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }

    /// <summary>The support address customers write to, and the sender of every mail from this mailbox.</summary>
    public required string Address { get; set; }
    public required string ImapHost { get; set; }
    public int ImapPort { get; set; }
    public MailSecurity ImapSecurity { get; set; }
    public required string SmtpHost { get; set; }
    public int SmtpPort { get; set; }
    public MailSecurity SmtpSecurity { get; set; }
    public MailLogin Login { get; set; }
    public required string UserName { get; set; }

    /// <summary>The password or client secret, protected with ASP.NET Core data protection.</summary>
    public string? ProtectedSecret { get; set; }

    /// <summary>For <see cref="MailLogin.MicrosoftOAuth"/>: the mailbox's Entra tenant and the app's client id.</summary>
    public string? TenantId { get; set; }
    public string? ClientId { get; set; }

    /// <summary>Sends the mail of tickets that did not come in by e-mail (portal, phone, API).</summary>
    public bool IsDefault { get; set; }
    public bool Enabled { get; set; } = true;

    /// <summary>The IMAP UIDVALIDITY the last seen UID belongs to; when the server changes it, reading starts over (Message-IDs keep it once).</summary>
    public long UidValidity { get; set; }
    public long LastUid { get; set; }
    public DateTimeOffset? LastReadAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum InboundMailState
{
    /// <summary>Made a new ticket.</summary>
    Ticket,

    /// <summary>Added as a reply to its ticket.</summary>
    Reply,

    /// <summary>From an unknown sender: waits for an agent to pick the customer or discard it.</summary>
    Triage,

    /// <summary>An auto-reply, bounce or delivery report: kept for the record, never a ticket or a reply.</summary>
    Ignored,

    /// <summary>Could not be read: kept with its raw bytes and the reason.</summary>
    Quarantined,

    /// <summary>Discarded by an agent from triage or quarantine.</summary>
    Discarded,
}

/// <summary>
/// One message read from a mailbox, recorded in the same save as the ticket or reply it made: the record of
/// what became of it, and the guard that it is processed once (by its UID and by its Message-ID).
/// </summary>
public sealed class InboundMail : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid MailboxId { get; set; }
    public long UidValidity { get; set; }
    public long Uid { get; set; }

    /// <summary>SHA-256 of the Message-ID (of the raw bytes when there is none): unique per organisation.</summary>
    public required string MessageKey { get; set; }
    public string? MessageId { get; set; }
    public string? FromAddress { get; set; }
    public string? FromName { get; set; }
    public string? Subject { get; set; }
    public int Size { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public InboundMailState State { get; set; }

    /// <summary>Why it was ignored, quarantined or sent to triage.</summary>
    public string? Reason { get; set; }
    public Guid? TicketId { get; set; }

    /// <summary>The message as received, kept while an agent may still need it (triage, quarantine).</summary>
    public byte[]? Raw { get; set; }
}

/// <summary>A Message-ID that belongs to a ticket's conversation, received or sent: replies are threaded by it.</summary>
public sealed class MailLink : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid TicketId { get; set; }
    public required string MessageKey { get; set; }
    public required string MessageId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>Sent to the indirect provider (outside the installation): only its answers thread by it, and the customer's mail never names it.</summary>
    public bool ToProvider { get; set; }
}

/// <summary>Who a ticket that came in by e-mail writes back to, and from which mailbox.</summary>
public sealed class MailConversation : IOrganisationOwned
{
    public Guid TicketId { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid MailboxId { get; set; }
    public required string Address { get; set; }
    public string? Name { get; set; }
}

public static class MailLimits
{
    public const int Address = 320;
    public const int Host = 253;
    public const int MessageId = 500;
    public const int Subject = 500;
    public const int Name = 200;
    public const int Reason = 1000;
    public const int FileName = 255;

    /// <summary>A mailbox password or client secret, in UTF-8 bytes: protected, it stays well inside its column of 4,000.</summary>
    public const int Secret = 1000;
}

internal sealed class MailboxConfiguration : IEntityTypeConfiguration<Mailbox>
{
    public void Configure(EntityTypeBuilder<Mailbox> b)
    {
        b.Property(m => m.Address).HasMaxLength(MailLimits.Address);
        b.Property(m => m.ImapHost).HasMaxLength(MailLimits.Host);
        b.Property(m => m.SmtpHost).HasMaxLength(MailLimits.Host);
        b.Property(m => m.UserName).HasMaxLength(MailLimits.Address);
        b.Property(m => m.ProtectedSecret).HasMaxLength(4000);
        b.Property(m => m.TenantId).HasMaxLength(100);
        b.Property(m => m.ClientId).HasMaxLength(100);
        b.Property(m => m.LastError).HasMaxLength(MailLimits.Reason);
        b.HasOne<Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(m => new { m.OrganisationId, m.Address }).IsUnique();
    }
}

internal sealed class InboundMailConfiguration : IEntityTypeConfiguration<InboundMail>
{
    public void Configure(EntityTypeBuilder<InboundMail> b)
    {
        b.Property(m => m.MessageKey).HasMaxLength(64);
        b.Property(m => m.MessageId).HasMaxLength(MailLimits.MessageId);
        b.Property(m => m.FromAddress).HasMaxLength(MailLimits.Address);
        b.Property(m => m.FromName).HasMaxLength(MailLimits.Name);
        b.Property(m => m.Subject).HasMaxLength(MailLimits.Subject);
        b.Property(m => m.Reason).HasMaxLength(MailLimits.Reason);
        // Two agents acting on one triage mail at once: the second save finds the state changed and fails.
        b.Property(m => m.State).IsConcurrencyToken();
        b.HasOne<Mailbox>().WithMany().HasForeignKey(m => m.MailboxId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Ticket>().WithMany().HasForeignKey(m => m.TicketId).OnDelete(DeleteBehavior.SetNull);
        // Exactly once: a UID is taken once per mailbox generation, a Message-ID once per organisation.
        b.HasIndex(m => new { m.MailboxId, m.UidValidity, m.Uid }).IsUnique();
        b.HasIndex(m => new { m.OrganisationId, m.MessageKey }).IsUnique();
        b.HasIndex(m => new { m.OrganisationId, m.State, m.ReceivedAt });
    }
}

internal sealed class MailLinkConfiguration : IEntityTypeConfiguration<MailLink>
{
    public void Configure(EntityTypeBuilder<MailLink> b)
    {
        b.Property(l => l.MessageKey).HasMaxLength(64);
        b.Property(l => l.MessageId).HasMaxLength(MailLimits.MessageId);
        b.HasOne<Ticket>().WithMany().HasForeignKey(l => l.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(l => new { l.OrganisationId, l.MessageKey });
        b.HasIndex(l => new { l.TicketId, l.At });
    }
}

internal sealed class MailConversationConfiguration : IEntityTypeConfiguration<MailConversation>
{
    public void Configure(EntityTypeBuilder<MailConversation> b)
    {
        b.HasKey(c => c.TicketId);
        b.Property(c => c.Address).HasMaxLength(MailLimits.Address);
        b.Property(c => c.Name).HasMaxLength(MailLimits.Name);
        b.HasOne<Ticket>().WithOne().HasForeignKey<MailConversation>(c => c.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Mailbox>().WithMany().HasForeignKey(c => c.MailboxId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(c => new { c.OrganisationId, c.Address }); // the loop guard counts a sender's recent tickets
    }
}

/// <summary>This feature's tables, as sets of the one context (<c>db.Tickets</c> and so on).</summary>
public static class MailSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<Mailbox> Mailboxes => db.Set<Mailbox>();
        public DbSet<InboundMail> InboundMails => db.Set<InboundMail>();
        public DbSet<MailLink> MailLinks => db.Set<MailLink>();
        public DbSet<MailConversation> MailConversations => db.Set<MailConversation>();
    }
}

/// <summary>Who sees this feature's entities, through Platform's two rules of isolation.</summary>
internal sealed class MailVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        // Mailboxes and their traffic are the organisation's agents' business; a mail that made a ticket
        // follows the ticket's visibility. A mail without a ticket (triage, quarantine, auto-replies) may be
        // any customer's: only agents who reach every customer see it, not a GDAP-limited helpdesk agent.
        visible.OwnedByOrganisation<Mailbox>((db, m) => !db.CallerIsContact);
        visible.OwnedByOrganisation<InboundMail>((db, m) =>
            !db.CallerIsContact && (m.TicketId == null ? db.CallerSeesAllCustomers : db.Set<Ticket>().Any(t => t.Id == m.TicketId)));
        visible.OwnedByOrganisation<MailLink>((db, l) => !db.CallerIsContact);
        visible.OwnedByOrganisation<MailConversation>((db, c) => !db.CallerIsContact);
    }
}
