namespace PartnerDesk.Features.ServiceHealth;

public sealed record IssueSummary(
    Guid Id,
    string MicrosoftId,
    string Title,
    string Service,
    string? Feature,
    IssueClassification Classification,
    string Status,
    bool IsResolved,
    DateTimeOffset StartDateTime,
    DateTimeOffset? EndDateTime,
    DateTimeOffset LastModifiedDateTime,
    int AffectedCustomers,
    int LinkedTickets);

public sealed record IssuePostView(DateTimeOffset CreatedDateTime, string PostType, string Text);

public sealed record AffectedCustomerView(Guid CustomerId, string Name, DateTimeOffset FirstSeenAt);

public sealed record LinkedTicketView(Guid TicketId, string Number, string Title, Tickets.TicketStatus Status, KnownIssueLinkState State, Guid CustomerId);

public sealed record IssueDetails(
    Guid Id,
    string MicrosoftId,
    string Title,
    string Service,
    string? Feature,
    string? FeatureGroup,
    string ImpactDescription,
    IssueClassification Classification,
    string Status,
    bool IsResolved,
    DateTimeOffset StartDateTime,
    DateTimeOffset? EndDateTime,
    DateTimeOffset LastModifiedDateTime,
    IReadOnlyList<IssuePostView> Posts,
    IReadOnlyList<AffectedCustomerView> AffectedCustomers,
    IReadOnlyList<LinkedTicketView> LinkedTickets);

/// <summary>An issue as a ticket shows it: what Microsoft said last, and how the ticket is linked.</summary>
public sealed record KnownIssueView(
    Guid IssueId,
    string MicrosoftId,
    string Title,
    string Service,
    string Status,
    bool IsResolved,
    string? LatestPost,
    DateTimeOffset? LatestPostAt,
    double Score);

public sealed record TicketKnownIssueView(KnownIssueView Issue, KnownIssueLinkState State, DateTimeOffset LinkedAt, string LinkedBy);

public sealed record MessageCenterView(
    Guid Id,
    string MicrosoftId,
    string Title,
    string Category,
    string Severity,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> Tags,
    bool IsMajorChange,
    DateTimeOffset? ActionRequiredBy,
    DateTimeOffset StartDateTime,
    DateTimeOffset LastModifiedDateTime,
    string Body);

/// <summary>One service on the board: how many customers see it degraded, since when.</summary>
public sealed record ServiceBoardRow(string Service, int CustomersAffected, int ActiveIssues, DateTimeOffset? Since, IReadOnlyList<string> Statuses);

public sealed record CustomerServiceView(string Service, string Status, DateTimeOffset UpdatedAt);

public sealed record SyncStatusView(
    Guid CustomerId,
    string CustomerName,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastAttemptAt,
    string? LastError,
    DateTimeOffset? FailingSince,
    string? Warnings,
    DateTimeOffset? NextDueAt);
