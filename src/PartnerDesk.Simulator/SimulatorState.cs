using System.Text.Json;
using System.Text.Json.Serialization;
using PartnerDesk.Simulator.Graph;

namespace PartnerDesk.Simulator;

public static class SimulatorJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}

/// <summary>What a fault does to the next matching requests.</summary>
public enum FaultKind
{
    /// <summary>429 with Retry-After.</summary>
    Throttle,

    /// <summary>503 with Retry-After.</summary>
    Unavailable,

    /// <summary>401: the token is no longer accepted.</summary>
    Unauthorized,

    /// <summary>403: the app has lost its permission in the tenant.</summary>
    Forbidden,

    /// <summary>The token endpoint refuses: the customer revoked the app's consent.</summary>
    ConsentRevoked,

    /// <summary>200 with a body that is not valid JSON.</summary>
    Malformed,
}

public sealed record Fault(FaultKind Kind, Guid? TenantId = null, int Count = 1, int RetryAfterSeconds = 1, string? PathContains = null);

/// <summary>
/// Everything the simulated Microsoft knows: issues and messages with the tenants they concern, faults
/// to inject, and a count of the requests it answered (so tests can prove nothing was sent twice).
/// </summary>
public sealed class SimulatorState(TimeProvider clock)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (ServiceHealthIssue Issue, HashSet<Guid> Tenants)> issues = [];
    private readonly Dictionary<string, (ServiceUpdateMessage Message, HashSet<Guid> Tenants)> messages = [];
    private readonly List<Fault> faults = [];
    private readonly Dictionary<string, int> requests = [];
    private readonly Queue<ScenarioStep> pending = new();
    private DateTimeOffset loadedAt;

    public TimeProvider Clock => clock;

    /// <summary>Items per page; small values make clients follow @odata.nextLink.</summary>
    public int PageSize { get; set; } = 100;

    public void Load(Scenario scenario, bool autoplay)
    {
        lock (gate)
        {
            issues.Clear();
            messages.Clear();
            pending.Clear();
            loadedAt = clock.GetUtcNow();
            foreach (var step in scenario.Steps.OrderBy(s => s.At))
            {
                pending.Enqueue(step);
            }
        }

        if (autoplay)
        {
            ApplyDue();
        }
    }

    /// <summary>Applies the steps whose time has come (autoplay calls this before every answer).</summary>
    public void ApplyDue()
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            while (pending.TryPeek(out var step) && loadedAt + step.At <= now)
            {
                Apply(pending.Dequeue(), loadedAt + step.At);
            }
        }
    }

    /// <summary>Applies the next step now, whatever its time; false when none is left.</summary>
    public bool ApplyNext()
    {
        lock (gate)
        {
            if (!pending.TryDequeue(out var step))
            {
                return false;
            }

            Apply(step, clock.GetUtcNow());
            return true;
        }
    }

    public void Apply(ScenarioStep step) => Apply(step, clock.GetUtcNow());

    private void Apply(ScenarioStep step, DateTimeOffset at)
    {
        lock (gate)
        {
            switch (step.Action)
            {
                case "openIssue":
                    var issue = step.Issue ?? throw new InvalidDataException("openIssue needs an issue.");
                    issue.Id ??= $"EX{Random.Shared.Next(100000, 999999)}";
                    if (issue.StartDateTime == default)
                    {
                        issue.StartDateTime = at;
                    }

                    issue.LastModifiedDateTime = at;
                    if (step.Post is { } first)
                    {
                        issue.Posts.Add(Post(first, at));
                    }

                    if (issues.TryGetValue(issue.Id, out var known))
                    {
                        known.Tenants.UnionWith(step.Tenants);
                        issues[issue.Id] = (issue, known.Tenants);
                    }
                    else
                    {
                        issues[issue.Id] = (issue, [.. step.Tenants]);
                    }

                    break;
                case "addPost":
                case "resolveIssue":
                    var target = issues[step.IssueId ?? throw new InvalidDataException($"{step.Action} needs an issueId.")];
                    target.Issue.LastModifiedDateTime = at;
                    target.Issue.Status = step.Status ?? (step.Action == "resolveIssue" ? "serviceRestored" : target.Issue.Status);
                    if (step.Post is { } text)
                    {
                        target.Issue.Posts.Add(Post(text, at));
                    }

                    if (step.Action == "resolveIssue")
                    {
                        target.Issue.IsResolved = true;
                        target.Issue.EndDateTime = at;
                    }

                    target.Tenants.UnionWith(step.Tenants);
                    break;
                case "publishMessage":
                    var message = step.Message ?? throw new InvalidDataException("publishMessage needs a message.");
                    message.Id ??= $"MC{Random.Shared.Next(100000, 999999)}";
                    if (message.StartDateTime == default)
                    {
                        message.StartDateTime = at;
                    }

                    message.LastModifiedDateTime = at;
                    messages[message.Id] = (message, [.. step.Tenants]);
                    break;
                default:
                    throw new InvalidDataException($"Unknown scenario action '{step.Action}'.");
            }
        }
    }

    private static ServiceHealthIssuePost Post(string text, DateTimeOffset at) =>
        new() { CreatedDateTime = at, Description = new ItemBody { Content = text } };

    public List<ServiceHealthIssue> IssuesOf(Guid tenant, DateTimeOffset? modifiedSince)
    {
        lock (gate)
        {
            return [.. issues.Values
                .Where(i => i.Tenants.Contains(tenant) && (modifiedSince is null || i.Issue.LastModifiedDateTime >= modifiedSince))
                .Select(i => i.Issue)
                .OrderBy(i => i.LastModifiedDateTime).ThenBy(i => i.Id, StringComparer.Ordinal)];
        }
    }

    public List<ServiceUpdateMessage> MessagesOf(Guid tenant, DateTimeOffset? modifiedSince)
    {
        lock (gate)
        {
            return [.. messages.Values
                .Where(m => m.Tenants.Contains(tenant) && (modifiedSince is null || m.Message.LastModifiedDateTime >= modifiedSince))
                .Select(m => m.Message)
                .OrderBy(m => m.LastModifiedDateTime).ThenBy(m => m.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>One entry per service a tenant has heard of: degraded while an incident is open on it.</summary>
    public List<ServiceHealth> HealthOf(Guid tenant)
    {
        string[] services = ["Exchange Online", "Microsoft Teams", "SharePoint Online", "OneDrive for Business", "Microsoft Entra ID", "Microsoft Intune", "Microsoft 365 suite"];
        lock (gate)
        {
            return [.. services.Select(service =>
            {
                var open = issues.Values.FirstOrDefault(i =>
                    i.Tenants.Contains(tenant) && !i.Issue.IsResolved && i.Issue.Service == service
                    && i.Issue.Classification == "incident");
                return new ServiceHealth(service, open.Issue?.Status ?? "serviceOperational", service.Replace(" ", "", StringComparison.Ordinal));
            })];
        }
    }

    public void AddFault(Fault fault)
    {
        lock (gate)
        {
            faults.Add(fault);
        }
    }

    public void ClearFaults()
    {
        lock (gate)
        {
            faults.Clear();
        }
    }

    /// <summary>Whether the tenant has revoked the app's consent: its tokens no longer work either.</summary>
    public bool ConsentRevoked(Guid? tenant)
    {
        lock (gate)
        {
            return faults.Any(f => f.Kind == FaultKind.ConsentRevoked && (f.TenantId is null || f.TenantId == tenant));
        }
    }

    /// <summary>Takes one use of the first fault that applies to this request, if any.</summary>
    public Fault? TakeFault(Guid? tenant, string path, bool tokenRequest)
    {
        lock (gate)
        {
            var index = faults.FindIndex(f =>
                (f.Kind == FaultKind.ConsentRevoked) == tokenRequest
                && (f.TenantId is null || f.TenantId == tenant)
                && (f.PathContains is null || path.Contains(f.PathContains, StringComparison.OrdinalIgnoreCase)));
            if (index < 0)
            {
                return null;
            }

            var fault = faults[index];
            if (fault.Count <= 1)
            {
                faults.RemoveAt(index);
            }
            else
            {
                faults[index] = fault with { Count = fault.Count - 1 };
            }

            return fault;
        }
    }

    private readonly List<string> queries = [];

    /// <summary>Query strings of the list requests answered, oldest first (to check incremental reads).</summary>
    public List<string> Queries()
    {
        lock (gate)
        {
            return [.. queries];
        }
    }

    private readonly List<(Guid? Tenant, string Route, DateTimeOffset At)> answered = [];

    /// <summary>When each request was answered, by tenant and route (to check request budgets).</summary>
    public List<(Guid? Tenant, string Route, DateTimeOffset At)> Answered()
    {
        lock (gate)
        {
            return [.. answered];
        }
    }

    public void Count(Guid? tenant, string route, string? query = null)
    {
        lock (gate)
        {
            answered.Add((tenant, route, clock.GetUtcNow()));
            if (query is not null)
            {
                queries.Add($"{tenant} {route} {query}");
            }

            var key = $"{tenant?.ToString() ?? "-"} {route}";
            requests[key] = requests.GetValueOrDefault(key) + 1;
        }
    }

    public Dictionary<string, int> Requests()
    {
        lock (gate)
        {
            return new(requests);
        }
    }
}
