using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Platform.Outbox;

/// <summary>
/// A side effect that must leave the process (a call to Microsoft, an e-mail), written in the same
/// transaction as the change that causes it and carried out by the dispatcher until it succeeds or is
/// refused for good. Its id travels with the call (Partner Center's MS-RequestId), so a retry after a
/// crash is recognised by the other side and never done twice.
/// </summary>
public sealed class OutboxMessage : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }

    /// <summary>Which handler carries it out, e.g. PartnerCenter.CreateServiceRequest.</summary>
    public required string Kind { get; set; }

    /// <summary>What the handler needs, as JSON.</summary>
    public required string Payload { get; set; }

    /// <summary>The thing it belongs to (an escalation), for the handler and for people reading it.</summary>
    public Guid? SubjectId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Refused for good (the other side said the request is wrong), or parked: an admin must act.</summary>
    public DateTimeOffset? FailedAt { get; set; }

    /// <summary>
    /// Given up after the most attempts or the longest time the dispatcher allows (rather than refused by the
    /// other side); <see cref="FailedAt"/> says when. An admin may send it again.
    /// </summary>
    public bool Parked { get; set; }
    public string? LastError { get; set; }

    /// <summary>A message due now, carrying its payload as JSON.</summary>
    public static OutboxMessage New<T>(Guid organisationId, string kind, T payload, Guid? subjectId, DateTimeOffset now) =>
        New(organisationId, kind, System.Text.Json.JsonSerializer.Serialize(payload), subjectId, now);

    /// <summary>A message due now, with a payload already in JSON.</summary>
    public static OutboxMessage New(Guid organisationId, string kind, string payload, Guid? subjectId, DateTimeOffset now) => new()
    {
        OrganisationId = organisationId,
        Kind = kind,
        Payload = payload,
        SubjectId = subjectId,
        CreatedAt = now,
        NextAttemptAt = now,
    };
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.Property(m => m.Kind).HasMaxLength(100);
        b.Property(m => m.LastError).HasMaxLength(2000);
        b.HasOne<Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        // The dispatcher's question "what is due?" reads only what is still pending.
        b.HasIndex(m => m.NextAttemptAt, "IX_OutboxMessages_Pending").HasFilter("\"SentAt\" IS NULL AND \"FailedAt\" IS NULL");
        b.HasIndex(m => m.SubjectId);
        // The admin's list of what failed or was parked, newest first.
        b.HasIndex(m => new { m.OrganisationId, m.FailedAt }, "IX_OutboxMessages_Failed").HasFilter("\"FailedAt\" IS NOT NULL");
    }
}
