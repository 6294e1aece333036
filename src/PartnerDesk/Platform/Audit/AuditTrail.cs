using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Platform.Audit;

public sealed class AuditOptions
{
    public const string Section = "PartnerDesk:Audit";

    /// <summary>How long entries are kept; the hourly housekeeping removes older ones.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(400);
}

/// <summary>Where a call comes from, for the audit log: the client's address and whether through the API or the console.</summary>
public static class AuditOrigin
{
    public static (string? Address, string Via) Of(HttpContext? http) => http is null
        ? (null, "console")
        : (AuditLimits.Cut(http.Connection.RemoteIpAddress?.ToString(), AuditLimits.Address),
            http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) ? "api" : "console");
}

/// <summary>
/// Records an agent's reads of a customer's data, from the use cases the API and the pages share (so both are
/// recorded by one line). Reads are written in batches a moment later: a read must not wait for a write, nor
/// fail because of one. Changes are recorded in the save that makes them (<see cref="AuditStep"/>). Contacts
/// reading their own customer's data and PartnerDesk's own jobs are not agent access and are not recorded.
/// </summary>
public static class AuditTrail
{
    public static async Task AuditRead(this PartnerDeskDb db, Guid customerId, string action, string? subject, CancellationToken ct)
    {
        var caller = db.Caller;
        if (!caller.IsAgent || caller.IsSystem || caller.OrganisationId is null)
        {
            return;
        }

        var services = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider
            ?? throw new InvalidOperationException("The database context has no application services.");
        services.GetRequiredService<AuditWriter>().Enqueue(
            await Entry(db, services.GetService<IHttpContextAccessor>()?.HttpContext, customerId, action, subject, ct));
    }

    /// <summary>One entry of the agent calling now: read (queued) or change (saved with the change).</summary>
    internal static async Task<AuditEntry> Entry(PartnerDeskDb db, HttpContext? http, Guid customerId, string action, string? subject, CancellationToken ct)
    {
        var caller = db.Caller;
        var (address, via) = AuditOrigin.Of(http);
        return new AuditEntry
        {
            OrganisationId = caller.RequireOrganisation(),
            CustomerId = customerId,
            At = db.Clock.GetUtcNow(),
            ActorId = caller.UserId,
            ActorName = AuditLimits.Cut(caller.DisplayName, AuditLimits.ActorName) ?? "",
            Action = action,
            Subject = AuditLimits.Cut(subject, AuditLimits.Subject),
            Address = address,
            Via = via,
            Reach = caller.AgentRole?.ToString() ?? "Agent",
            GdapRoles = await GdapRolesOf(db, caller, customerId, ct),
        };
    }

    /// <summary>
    /// The Entra roles a helpdesk agent holds in the customer's tenant through GDAP (the reason it may see the
    /// customer at all), as comma-separated role ids; null for admins and sales agents, who see every customer
    /// by their PartnerDesk role.
    /// </summary>
    internal static async Task<string?> GdapRolesOf(PartnerDeskDb db, Caller caller, Guid customerId, CancellationToken ct)
    {
        if (caller.AgentRole != AgentRole.HelpdeskAgent)
        {
            return null;
        }

        var agentId = caller.UserId;
        var assigned = await (
                from a in db.DelegatedAdminAccessAssignments.AsNoTracking()
                where a.CustomerId == customerId && a.Status == DelegatedAdminAccessAssignmentStatus.Active
                join m in db.SecurityGroupMembers on a.AccessContainerId equals m.SecurityGroupId
                where m.AgentId == agentId
                select a.UnifiedRoles)
            .ToListAsync(ct);
        var roles = string.Join(',', assigned.SelectMany(r => r).Distinct().Order(StringComparer.Ordinal));
        return roles.Length == 0 ? null : AuditLimits.Cut(roles, AuditLimits.GdapRoles);
    }
}

/// <summary>
/// Writes recorded reads in batches, every second or every 500 entries, on its own: a busy console costs one
/// insert batch a second, not one round trip per page. Entries wait in memory until then, so a crash loses at
/// most the last second of reads (changes are written with the change itself).
/// </summary>
public sealed class AuditWriter(IServiceScopeFactory scopes, ILogger<AuditWriter> log) : BackgroundService
{
    private const int BatchSize = 500;
    private readonly Channel<AuditEntry> queue = Channel.CreateUnbounded<AuditEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim writing = new(1, 1);

    // The same read by the same agent within a minute is one access (a console page reloads as the ticket changes).
    private static readonly TimeSpan Repeat = TimeSpan.FromMinutes(1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(Guid, Guid, Guid, string, string?, string), DateTimeOffset> recent = new();

    public void Enqueue(AuditEntry entry)
    {
        var key = (entry.OrganisationId, entry.ActorId, entry.CustomerId, entry.Action, entry.Subject, entry.Via);
        if (recent.TryGetValue(key, out var last) && entry.At - last < Repeat && entry.At >= last)
        {
            return;
        }

        recent[key] = entry.At;
        queue.Writer.TryWrite(entry);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await queue.Reader.WaitToReadAsync(stoppingToken);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                await Flush(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Writing the audit log failed; the entries wait for the next try.");
            }
        }

        await Flush(CancellationToken.None); // what was read before the host stopped
    }

    /// <summary>Writes what waits now (tests and shutdown call it; the loop calls it every second).</summary>
    public async Task Flush(CancellationToken ct)
    {
        await writing.WaitAsync(ct);
        try
        {
            foreach (var (key, at) in recent)
            {
                if (DateTimeOffset.UtcNow - at > Repeat * 2)
                {
                    recent.TryRemove(key, out _);
                }
            }

            var batch = new List<AuditEntry>(BatchSize);
            while (queue.Reader.TryPeek(out _))
            {
                batch.Clear();
                while (batch.Count < BatchSize && queue.Reader.TryPeek(out var entry))
                {
                    batch.Add(entry);
                    queue.Reader.TryRead(out _);
                }

                await Write(batch, ct);
            }
        }
        finally
        {
            writing.Release();
        }
    }

    private async Task Write(List<AuditEntry> batch, CancellationToken ct)
    {
        var organisations = batch.GroupBy(e => e.OrganisationId).ToList();
        for (var i = 0; i < organisations.Count; i++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisations[i].Key);
                var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
                foreach (var entry in organisations[i])
                {
                    entry.Id = 0;
                }

                db.AuditEntries.AddRange(organisations[i]);
                await db.SaveChangesAsync(ct);
            }
            catch
            {
                // What is not written goes back in line (their own times keep the log's reading order), then the failure is told.
                foreach (var entry in organisations.Skip(i).SelectMany(o => o))
                {
                    queue.Writer.TryWrite(entry);
                }

                throw;
            }
        }
    }

    public override void Dispose()
    {
        writing.Dispose();
        base.Dispose();
    }
}

/// <summary>Removes audit entries older than the retention.</summary>
internal sealed class AuditRetention(IOptions<AuditOptions> options) : ICleanup
{
    public Task<int> Run(PartnerDeskDb db, DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = now - options.Value.Retention;
        return db.AuditEntries.IgnoreQueryFilters().Where(e => e.At < cutoff).ExecuteDeleteAsync(ct);
    }
}
