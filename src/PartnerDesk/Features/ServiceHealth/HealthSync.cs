using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform.Data;
using GraphIssue = Microsoft.Graph.Models.ServiceHealthIssue;
using GraphServiceHealth = Microsoft.Graph.Models.ServiceHealth;

namespace PartnerDesk.Features.ServiceHealth;

public sealed class ServiceHealthOptions
{
    public const string Section = "PartnerDesk:ServiceHealth";

    /// <summary>Runs the background sync; tests drive syncs themselves.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often each customer tenant is read.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the job looks for tenants that are due.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tenants read at once (each within its own request budget).</summary>
    public int Parallelism { get; set; } = 4;
}

/// <summary>What one tenant told us in one round, read completely before anything is written.</summary>
public sealed record TenantSnapshot(List<GraphServiceHealth> Overviews, List<GraphIssue> Issues, List<ServiceUpdateMessage> Messages);

public sealed record SyncResult(bool Succeeded, string? Error, int Issues, int Messages, int Warnings);

/// <summary>
/// Reads a customer tenant's service health, issues (with posts) and Message center posts from Graph,
/// incrementally by lastModifiedDateTime, and stores them once per organisation. The network part runs
/// first and writes nothing; the write is one transaction (issues, links, notes and notifications
/// together), so a failure halfway changes nothing but the tenant's sync status. Writes of one
/// organisation are serialised, so that one Microsoft post makes one update however many tenants report it.
/// </summary>
public sealed class HealthSync(GraphClients graph, ITenantTokens tokens, IOptions<ServiceHealthOptions> options, TimeProvider clock, ILogger<HealthSync> log)
{
    // Issues modified in the last few minutes before the watermark are read again: Microsoft's clock and
    // ours are not the same, and reading an issue twice is harmless (upsert).
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> writers = new();

    /// <summary>Syncs one customer of the db's organisation now.</summary>
    public async Task<SyncResult> SyncCustomer(PartnerDeskDb db, Guid customerId, CancellationToken ct)
    {
        var customer = await db.Customers.Where(c => c.Id == customerId).Select(c => new { c.Id, c.TenantId, c.OrganisationId }).FirstOrDefaultAsync(ct)
            ?? throw new InvalidOperationException($"Customer {customerId} is not reachable.");
        var state = await db.HealthSyncStates.FirstOrDefaultAsync(s => s.CustomerId == customerId, ct);
        TenantSnapshot snapshot;
        List<string> warnings = [];
        try
        {
            snapshot = await Read(customer.TenantId, state?.IssuesWatermark, state?.MessagesWatermark, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var reason = Describe(e);
            if (e is ODataError { ResponseStatusCode: 401 } or TenantConsentException)
            {
                tokens.Forget(customer.TenantId);
            }

            log.LogWarning(e, "Service health sync of tenant {Tenant} failed: {Reason}", customer.TenantId, reason);
            await RecordFailure(db, customer.Id, customer.OrganisationId, reason, ct);
            return new SyncResult(false, reason, 0, 0, 0);
        }

        var writer = writers.GetOrAdd(customer.OrganisationId, _ => new SemaphoreSlim(1, 1));
        await writer.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var (issues, messages) = await Apply(db, customer.Id, customer.OrganisationId, snapshot, warnings, ct);
                    return new SyncResult(true, null, issues, messages, warnings.Count);
                }
                catch (DbUpdateConcurrencyException) when (attempt < 3)
                {
                    // Another instance stored the same post first: read again and apply what is still new.
                    db.ChangeTracker.Clear();
                    warnings.Clear();
                }
            }
        }
        finally
        {
            writer.Release();
        }
    }

    private async Task<TenantSnapshot> Read(Guid tenantId, DateTimeOffset? issuesSince, DateTimeOffset? messagesSince, CancellationToken ct)
    {
        var client = graph.For(tenantId);
        var announcements = client.Admin.ServiceAnnouncement;
        var overviews = await announcements.HealthOverviews.GetAsync(cancellationToken: ct);
        var issues = await GraphPages.All(
            await announcements.Issues.GetAsync(r => r.QueryParameters.Filter = Since(issuesSince), ct),
            page => page.Value, page => page.OdataNextLink,
            next => announcements.Issues.WithUrl(next).GetAsync(cancellationToken: ct));
        var messages = await GraphPages.All(
            await announcements.Messages.GetAsync(r => r.QueryParameters.Filter = Since(messagesSince), ct),
            page => page.Value, page => page.OdataNextLink,
            next => announcements.Messages.WithUrl(next).GetAsync(cancellationToken: ct));
        return new TenantSnapshot(overviews?.Value ?? [], issues, messages);
    }

    private static string? Since(DateTimeOffset? watermark) =>
        watermark is { } w ? $"lastModifiedDateTime ge {(w - Overlap).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}" : null;

    private async Task<(int Issues, int Messages)> Apply(
        PartnerDeskDb db, Guid customerId, Guid organisationId, TenantSnapshot snapshot, List<string> warnings, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var state = await db.HealthSyncStates.FirstOrDefaultAsync(s => s.CustomerId == customerId, ct);
            if (state is null)
            {
                state = new HealthSyncState { CustomerId = customerId, OrganisationId = organisationId };
                db.HealthSyncStates.Add(state);
            }

            await ApplyOverviews(db, customerId, organisationId, snapshot.Overviews, now, ct);
            var changes = await ApplyIssues(db, customerId, organisationId, snapshot.Issues, warnings, now, ct);
            var messageCount = await ApplyMessages(db, customerId, organisationId, snapshot.Messages, warnings, ct);
            await db.SaveChangesAsync(ct);
            await IncidentLifecycle.Apply(db, organisationId, changes, now, ct);

            state.IssuesWatermark = Max(state.IssuesWatermark, snapshot.Issues.Select(i => i.LastModifiedDateTime));
            state.MessagesWatermark = Max(state.MessagesWatermark, snapshot.Messages.Select(m => m.LastModifiedDateTime));
            state.LastAttemptAt = now;
            state.LastSuccessAt = now;
            state.LastError = null;
            state.FailingSince = null;
            state.ConsecutiveFailures = 0;
            state.Warnings = warnings.Count == 0 ? null : Clip(string.Join("\n", warnings), ServiceHealthLimits.Text);
            state.NextDueAt = now + options.Value.Interval;
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return (changes.Count, messageCount);
        });
    }

    private static DateTimeOffset? Max(DateTimeOffset? current, IEnumerable<DateTimeOffset?> seen)
    {
        var max = current;
        foreach (var value in seen)
        {
            if (value is { } v && (max is null || v > max))
            {
                max = v;
            }
        }

        return max;
    }

    private static async Task ApplyOverviews(PartnerDeskDb db, Guid customerId, Guid organisationId, List<GraphServiceHealth> overviews, DateTimeOffset now, CancellationToken ct)
    {
        var known = await db.CustomerServiceStatuses.Where(s => s.CustomerId == customerId).ToDictionaryAsync(s => s.Service, ct);
        foreach (var overview in overviews)
        {
            if (overview.Service is not { Length: > 0 } service)
            {
                continue;
            }

            service = Clip(service, ServiceHealthLimits.Name);
            var status = GraphValues.Wire(overview.Status);
            if (known.Remove(service, out var row))
            {
                if (row.Status != status)
                {
                    row.Status = status;
                    row.UpdatedAt = now;
                }
            }
            else
            {
                db.CustomerServiceStatuses.Add(new CustomerServiceStatus { OrganisationId = organisationId, CustomerId = customerId, Service = service, Status = status, UpdatedAt = now });
            }
        }

        // A service the tenant no longer reports is no longer shown.
        db.CustomerServiceStatuses.RemoveRange(known.Values.Where(_ => overviews.Count > 0));
    }

    private static async Task<List<IssueChange>> ApplyIssues(
        PartnerDeskDb db, Guid customerId, Guid organisationId, List<GraphIssue> incoming, List<string> warnings, DateTimeOffset now, CancellationToken ct)
    {
        var usable = new List<GraphIssue>(incoming.Count);
        foreach (var issue in incoming)
        {
            var missing = issue.Id is not { Length: > 0 } ? "id" : issue.Service is not { Length: > 0 } ? "service" : issue.Title is not { Length: > 0 } ? "title" : null;
            if (missing is not null)
            {
                warnings.Add($"Issue {issue.Id ?? "(no id)"} skipped: Microsoft sent it without {missing}.");
                continue;
            }

            if (issue.Classification is null)
            {
                warnings.Add($"Issue {issue.Id}: classification not known to this version; kept as unknown.");
            }

            if (issue.Status is null)
            {
                warnings.Add($"Issue {issue.Id}: status not known to this version; kept as unknown.");
            }

            usable.Add(issue);
        }

        var ids = usable.Select(i => i.Id!).Distinct().ToList();
        var stored = await db.ServiceHealthIssues.Where(i => ids.Contains(i.MicrosoftId)).ToDictionaryAsync(i => i.MicrosoftId, ct);
        var storedIds = stored.Values.Select(i => i.Id).ToList();
        var linked = (await db.AffectedCustomers.Where(a => a.CustomerId == customerId && storedIds.Contains(a.IssueId)).Select(a => a.IssueId).ToListAsync(ct)).ToHashSet();
        var changes = new List<IssueChange>();
        foreach (var issue in usable.DistinctBy(i => i.Id))
        {
            var isNew = !stored.TryGetValue(issue.Id!, out var row);
            var wasResolved = row?.IsResolved ?? false;
            row ??= new ServiceHealthIssue
            {
                OrganisationId = organisationId,
                MicrosoftId = Clip(issue.Id!, 64),
                Title = "",
                Service = "",
                Status = "",
                FirstSeenAt = now,
            };
            row.Title = Clip(issue.Title!, ServiceHealthLimits.Title);
            row.Service = Clip(issue.Service!, ServiceHealthLimits.Name);
            row.Feature = ClipOrNull(issue.Feature, ServiceHealthLimits.Name);
            row.FeatureGroup = ClipOrNull(issue.FeatureGroup, ServiceHealthLimits.Name);
            row.ImpactDescription = Clip(issue.ImpactDescription ?? "", ServiceHealthLimits.Text);
            row.Classification = issue.Classification switch
            {
                ServiceHealthClassificationType.Incident => IssueClassification.Incident,
                ServiceHealthClassificationType.Advisory => IssueClassification.Advisory,
                _ => IssueClassification.Unknown,
            };
            row.Status = GraphValues.Wire(issue.Status);
            row.IsResolved = issue.IsResolved ?? false;
            row.StartDateTime = issue.StartDateTime ?? row.StartDateTime;
            row.EndDateTime = issue.EndDateTime;
            row.LastModifiedDateTime = issue.LastModifiedDateTime ?? now;

            var newPosts = (issue.Posts ?? [])
                .Where(p => p.CreatedDateTime is { } at && (row.LatestPostAt is null || Microseconds(at) > row.LatestPostAt))
                .OrderBy(p => p.CreatedDateTime)
                .Select(p => new ServiceHealthPost
                {
                    OrganisationId = organisationId,
                    IssueId = row.Id,
                    CreatedDateTime = Microseconds(p.CreatedDateTime!.Value),
                    PostType = p.PostType is null ? GraphValues.Unknown : GraphValues.Wire(p.PostType),
                    Text = HtmlText.ToPlain(p.Description?.Content, ServiceHealthLimits.PostText),
                })
                .ToList();
            if (newPosts.Count > 0)
            {
                row.LatestPostAt = newPosts[^1].CreatedDateTime;
                db.ServiceHealthPosts.AddRange(newPosts);
            }

            if (isNew)
            {
                db.ServiceHealthIssues.Add(row);
            }

            var newlyAffected = !linked.Contains(row.Id);
            if (newlyAffected)
            {
                db.AffectedCustomers.Add(new AffectedCustomer { OrganisationId = organisationId, IssueId = row.Id, CustomerId = customerId, FirstSeenAt = now });
            }

            changes.Add(new IssueChange(
                row.Id,
                NewlyAffected: newlyAffected ? customerId : null,
                LatestPost: isNew || newPosts.Count == 0 ? null : newPosts[^1].Text,
                Resolved: !isNew && !wasResolved && row.IsResolved));
        }

        return changes;
    }

    private static async Task<int> ApplyMessages(
        PartnerDeskDb db, Guid customerId, Guid organisationId, List<ServiceUpdateMessage> incoming, List<string> warnings, CancellationToken ct)
    {
        var usable = incoming.Where(m =>
        {
            if (m.Id is { Length: > 0 } && m.Title is { Length: > 0 })
            {
                return true;
            }

            warnings.Add($"Message {m.Id ?? "(no id)"} skipped: Microsoft sent it without {(m.Id is { Length: > 0 } ? "title" : "id")}.");
            return false;
        }).DistinctBy(m => m.Id).ToList();
        var ids = usable.Select(m => m.Id!).ToList();
        var stored = await db.MessageCenterPosts.Where(m => ids.Contains(m.MicrosoftId)).ToDictionaryAsync(m => m.MicrosoftId, ct);
        var storedIds = stored.Values.Select(m => m.Id).ToList();
        var received = (await db.MessageCenterRecipients.Where(r => r.CustomerId == customerId && storedIds.Contains(r.MessageId)).Select(r => r.MessageId).ToListAsync(ct)).ToHashSet();
        foreach (var message in usable)
        {
            if (!stored.TryGetValue(message.Id!, out var row))
            {
                row = new MessageCenterPost { OrganisationId = organisationId, MicrosoftId = Clip(message.Id!, 64), Title = "", Category = "", Severity = "" };
                db.MessageCenterPosts.Add(row);
            }

            row.Title = Clip(message.Title!, ServiceHealthLimits.Title);
            row.Category = GraphValues.Wire(message.Category);
            row.Severity = GraphValues.Wire(message.Severity);
            row.Services = Clip(string.Join(", ", message.Services ?? []), ServiceHealthLimits.Text);
            row.Tags = Clip(string.Join(", ", message.Tags ?? []), ServiceHealthLimits.Text);
            row.IsMajorChange = message.IsMajorChange ?? false;
            row.ActionRequiredBy = message.ActionRequiredByDateTime;
            row.StartDateTime = message.StartDateTime ?? row.StartDateTime;
            row.EndDateTime = message.EndDateTime;
            row.LastModifiedDateTime = message.LastModifiedDateTime ?? row.LastModifiedDateTime;
            row.Body = HtmlText.ToPlain(message.Body?.Content, ServiceHealthLimits.PostText);
            if (!received.Contains(row.Id))
            {
                db.MessageCenterRecipients.Add(new MessageCenterRecipient { OrganisationId = organisationId, MessageId = row.Id, CustomerId = customerId });
            }
        }

        return usable.Count;
    }

    private async Task RecordFailure(PartnerDeskDb db, Guid customerId, Guid organisationId, string reason, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var now = clock.GetUtcNow();
        var state = await db.HealthSyncStates.FirstOrDefaultAsync(s => s.CustomerId == customerId, ct);
        if (state is null)
        {
            state = new HealthSyncState { CustomerId = customerId, OrganisationId = organisationId };
            db.HealthSyncStates.Add(state);
        }

        state.LastAttemptAt = now;
        state.LastError = Clip(reason, 1000);
        state.FailingSince ??= now;
        state.ConsecutiveFailures++;
        // Back off a failing tenant (up to an hour) so that it does not eat the budget of the others.
        var wait = TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Min(state.ConsecutiveFailures, 6))));
        state.NextDueAt = now + (wait < options.Value.Interval ? options.Value.Interval : wait);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A reason an agent can act on.</summary>
    internal static string Describe(Exception e) => e switch
    {
        TenantConsentException c => $"Consent missing or revoked in the customer's tenant: {c.Message}",
        ODataError { ResponseStatusCode: 401 or 403 } o => $"Microsoft refused access ({o.ResponseStatusCode} {o.Error?.Code}): the app's consent or permission in this tenant is missing. {o.Error?.Message}",
        ODataError { ResponseStatusCode: 429 } => "Microsoft kept throttling this tenant (429) after retries.",
        // The Graph SDK's retry handler gives up with every answer it got.
        AggregateException a => $"Microsoft kept answering {StatusOf(a.InnerExceptions.LastOrDefault()?.Message)} after {Math.Max(0, a.InnerExceptions.Count - 1)} retries.",
        ODataError o => $"Microsoft answered {o.ResponseStatusCode} {o.Error?.Code}: {o.Error?.Message}",
        ApiException a => $"Microsoft answered {a.ResponseStatusCode}: {a.Message}",
        System.Text.Json.JsonException or FormatException => $"Microsoft's answer could not be read: {e.Message}",
        HttpRequestException h => $"Microsoft could not be reached: {h.Message}",
        TaskCanceledException => "Microsoft did not answer in time.",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    /// <summary>PostgreSQL keeps microseconds; so are post times compared, or a stored post would look new again.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset at) => new(at.Ticks - (at.Ticks % 10), at.Offset);

    private static string StatusOf(string? message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message ?? "", @"status code: (\w+)");
        return match.Success && Enum.TryParse<System.Net.HttpStatusCode>(match.Groups[1].Value, out var status)
            ? $"{(int)status} {status}"
            : "an error";
    }

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];

    private static string? ClipOrNull(string? value, int max) => value is null ? null : Clip(value, max);
}

/// <summary>What one sync changed about an issue, for the incident lifecycle.</summary>
public sealed record IssueChange(Guid IssueId, Guid? NewlyAffected, string? LatestPost, bool Resolved);
