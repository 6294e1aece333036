using System.Text.Json.Serialization;

namespace PartnerDesk.Simulator.Graph;

// Wire shapes of Microsoft Graph's service communications API (v1.0), field for field. Enum-valued
// fields are strings so that a scenario can send values Microsoft adds later.

public sealed class ItemBody
{
    public string ContentType { get; set; } = "html";
    public string Content { get; set; } = "";
}

public sealed class ServiceHealthIssuePost
{
    public DateTimeOffset CreatedDateTime { get; set; }
    public string PostType { get; set; } = "regular";
    public ItemBody Description { get; set; } = new();
}

public sealed class ServiceHealthIssue
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public DateTimeOffset StartDateTime { get; set; }
    public DateTimeOffset? EndDateTime { get; set; }
    public DateTimeOffset LastModifiedDateTime { get; set; }
    public string? ImpactDescription { get; set; }
    public string? Classification { get; set; } = "incident";
    public string Origin { get; set; } = "microsoft";
    public string? Status { get; set; } = "investigating";
    public string? Service { get; set; }
    public string? Feature { get; set; }
    public string? FeatureGroup { get; set; }
    public bool IsResolved { get; set; }
    public bool? HighImpact { get; set; }
    public List<object> Details { get; set; } = [];
    public List<ServiceHealthIssuePost> Posts { get; set; } = [];
}

public sealed class ServiceUpdateMessage
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public DateTimeOffset StartDateTime { get; set; }
    public DateTimeOffset? EndDateTime { get; set; }
    public DateTimeOffset LastModifiedDateTime { get; set; }
    public string? Category { get; set; } = "stayInformed";
    public string? Severity { get; set; } = "normal";
    public List<string> Tags { get; set; } = [];
    public bool IsMajorChange { get; set; }
    public DateTimeOffset? ActionRequiredByDateTime { get; set; }
    public List<string> Services { get; set; } = [];
    public DateTimeOffset? ExpiryDateTime { get; set; }
    public bool HasAttachments { get; set; }
    public object? ViewPoint { get; set; }
    public List<object> Details { get; set; } = [];
    public ItemBody Body { get; set; } = new();
}

public sealed record ServiceHealth(
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("id")] string Id);
