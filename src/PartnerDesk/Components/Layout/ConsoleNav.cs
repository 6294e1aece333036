namespace PartnerDesk.Components.Layout;

/// <summary>Who sees a page of the console: every agent, admins and sales agents, or admins only.</summary>
public enum NavAudience
{
    Agents,
    AdminsAndSales,
    Admins,
}

/// <summary>A page in the console's left navigation (names are the keys of their localised texts).</summary>
public sealed record NavEntry(string Href, string Name, NavAudience Audience = NavAudience.Agents)
{
    public bool IsFor(string? role) => Audience switch
    {
        NavAudience.Agents => true,
        NavAudience.AdminsAndSales => role is "AdminAgent" or "SalesAgent",
        _ => role == "AdminAgent",
    };
}

public sealed record NavGroup(string Key, string Name, IReadOnlyList<NavEntry> Entries);

/// <summary>A step of the breadcrumb; without an address when it is a group, not a page.</summary>
public sealed record Crumb(string Name, string? Href);

/// <summary>
/// The console's navigation, grouped as the Microsoft 365 admin center groups its own. Who sees which page is the
/// same as before the grouping (the pages themselves check it again: hiding a link is no authorization).
/// </summary>
public static class ConsoleNav
{
    public static readonly IReadOnlyList<NavGroup> Groups =
    [
        new("tickets", "Tickets", [new("/console", "Queue"), new("/console/tickets/new", "Log a call"), new("/console/mail", "Mail"), new("/console/articles", "Knowledge base")]),
        new("customers", "Customers", [new("/console/customers", "Customers"), new("/console/people", "People")]),
        new("microsoft", "Microsoft", [new("/console/service-health", "Service health"), new("/console/escalations", "Escalations"), new("/console/subscription-changes", "Subscription requests", NavAudience.AdminsAndSales)]),
        new("billing", "Billing", [new("/console/plans", "Plans and contracts", NavAudience.AdminsAndSales), new("/console/billing", "Billing", NavAudience.AdminsAndSales), new("/console/reports", "Reports", NavAudience.Admins)]),
        new("settings", "Settings",
        [
            new("/console/profile", "Support profile", NavAudience.Admins), new("/console/setup", "Going live", NavAudience.Admins),
            new("/console/deliveries", "Deliveries", NavAudience.Admins), new("/console/webhooks", "Webhooks", NavAudience.Admins),
            new("/console/satisfaction", "Satisfaction", NavAudience.Admins), new("/console/canned-replies", "Canned replies", NavAudience.Admins),
            new("/console/audit", "Audit log", NavAudience.Admins),
        ]),
    ];

    // Pages that are not in the navigation but belong under one of its pages.
    private static readonly Dictionary<string, (string Parent, string Name)> Others = new(StringComparer.Ordinal)
    {
        ["/console/calendars"] = ("/console/plans", "Calendars"),
        ["/console/search"] = ("/console", "Search results"),
    };

    /// <summary>
    /// The breadcrumb of a console address: group, page and, below a page (a ticket, a customer), "Details".
    /// Empty outside the console and on the queue itself (the start page needs none).
    /// </summary>
    public static IReadOnlyList<Crumb> Trail(string path)
    {
        path = path.TrimEnd('/');
        if (!path.StartsWith("/console/", StringComparison.Ordinal))
        {
            return [];
        }

        if (Others.TryGetValue(path, out var other))
        {
            return [.. PageTrail(other.Parent), new Crumb(other.Name, null)];
        }

        // The longest page address the path starts with: /console/tickets/new before /console.
        var best = Groups.SelectMany(g => g.Entries.Select(e => (Group: g, Entry: e)))
            .Where(x => x.Entry.Href != "/console" && (path == x.Entry.Href || path.StartsWith(x.Entry.Href + "/", StringComparison.Ordinal)))
            .OrderByDescending(x => x.Entry.Href.Length).FirstOrDefault();
        if (best.Entry is null)
        {
            // A ticket belongs to the queue.
            return path.StartsWith("/console/tickets/", StringComparison.Ordinal)
                ? [new("Tickets", null), new("Queue", "/console"), new("Details", null)]
                : [];
        }

        List<Crumb> trail = [new(best.Group.Name, null), new(best.Entry.Name, best.Entry.Href)];
        if (path != best.Entry.Href)
        {
            trail.Add(new("Details", null));
        }

        return trail;
    }

    private static IEnumerable<Crumb> PageTrail(string href) =>
        Groups.SelectMany(g => g.Entries.Where(e => e.Href == href).SelectMany(e => new Crumb[] { new(g.Name, null), new(e.Name, e.Href) }));
}
