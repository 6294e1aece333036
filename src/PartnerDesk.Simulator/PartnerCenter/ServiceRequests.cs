using System.Text.Json.Serialization;

namespace PartnerDesk.Simulator.PartnerCenter;

// Wire shapes of Partner Center's service requests (REST v1), field for field, camelCase as the service
// sends them. Enum-valued fields are strings so that a scenario can send values Microsoft adds later.

public sealed class ResourceAttributes
{
    public string ObjectType { get; set; } = "";
}

public sealed class ServiceRequestNote
{
    public string? CreatedByName { get; set; }
    public DateTimeOffset? CreatedDate { get; set; }
    public string? Text { get; set; }
}

public sealed class ServiceRequestContact
{
    public string? ContactId { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Email { get; set; }
    public string? PhoneNumber { get; set; }
}

public sealed class ServiceRequest
{
    public string? Title { get; set; }
    public string? Description { get; set; }

    /// <summary>unknown, critical, moderate or minimal.</summary>
    public string? Severity { get; set; }
    public string? SupportTopicId { get; set; }
    public string? SupportTopicName { get; set; }
    public string? Id { get; set; }

    /// <summary>none, open, closed or attention_needed.</summary>
    public string? Status { get; set; }
    public ServiceRequestContact? PrimaryContact { get; set; }
    public ServiceRequestContact? LastUpdatedBy { get; set; }
    public string? ProductName { get; set; }
    public string? ProductId { get; set; }
    public DateTimeOffset? CreatedDate { get; set; }
    public DateTimeOffset? LastModifiedDate { get; set; }
    public DateTimeOffset? LastClosedDate { get; set; }
    public ServiceRequestNote? NewNote { get; set; }
    public List<ServiceRequestNote>? Notes { get; set; }
    public string? CountryCode { get; set; }
    public ResourceAttributes Attributes { get; set; } = new() { ObjectType = "ServiceRequest" };

    /// <summary>The customer tenant it concerns, when filed for a customer (not part of the resource).</summary>
    [JsonIgnore]
    public Guid? CustomerTenantId { get; set; }
}

public sealed class SupportTopic
{
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public long Id { get; set; }
    public ResourceAttributes Attributes { get; set; } = new() { ObjectType = "SupportTopic" };
}

public sealed class ResourceCollection<T>
{
    public int TotalCount { get; set; }
    public List<T> Items { get; set; } = [];
    public ResourceAttributes Attributes { get; set; } = new() { ObjectType = "Collection" };
}

/// <summary>Partner Center's error body.</summary>
public sealed class ApiFault
{
    public int Code { get; set; }
    public string Description { get; set; } = "";
    public string ErrorName { get; set; } = "";
    public bool IsRetryable { get; set; }
    public List<string> Data { get; set; } = [];
    public string Source { get; set; } = "PartnerFD";
}

/// <summary>The partner's support profile (Partner Center: Get/Update support profile): how its customers reach its support.</summary>
public sealed class SupportProfile
{
    public string? Email { get; set; }
    public string? Telephone { get; set; }
    public string? Website { get; set; }
    public ResourceAttributes Attributes { get; set; } = new() { ObjectType = "SupportProfile" };
}
