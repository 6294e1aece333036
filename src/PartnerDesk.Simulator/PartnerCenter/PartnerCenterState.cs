using System.Globalization;

namespace PartnerDesk.Simulator.PartnerCenter;

/// <summary>
/// What the simulated Partner Center knows: service requests by partner tenant, the MS-RequestId each was
/// created with (a retry with the same id gets the same request back, as Partner Center promises), and
/// how Microsoft's support answers them.
/// </summary>
public sealed class PartnerCenterState(TimeProvider clock)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (Guid Partner, ServiceRequest Request)> requests = [];
    private readonly Dictionary<(Guid Partner, string RequestId), string> byRequestId = [];
    private long nextId = 616122292874576;

    public static readonly IReadOnlyList<SupportTopic> Topics =
    [
        new() { Id = 32444671, Name = "Exchange Online", Description = "Mail flow, mailboxes, Outlook connectivity" },
        new() { Id = 32444672, Name = "Microsoft Teams", Description = "Meetings, calling, chat" },
        new() { Id = 32444673, Name = "SharePoint Online and OneDrive", Description = "Sites, sharing, sync" },
        new() { Id = 32444674, Name = "Microsoft Entra ID", Description = "Sign-in, MFA, conditional access" },
        new() { Id = 32444675, Name = "Microsoft 365 Apps", Description = "Installation, activation, Office apps" },
        new() { Id = 32444676, Name = "Microsoft Intune", Description = "Device enrolment and compliance" },
        new() { Id = 32444677, Name = "Microsoft Azure", Description = "Azure services and subscriptions" },
        new() { Id = 32444678, Name = "Service availability and network", Description = "Outages across services or regions" },
    ];

    /// <summary>Create requests received (a retry counts again), and service requests actually created.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, SupportProfile> profiles = new();

    /// <summary>A partner's support profile; empty fields until it sets one.</summary>
    public SupportProfile Profile(Guid partner) => profiles.GetOrAdd(partner, _ => new SupportProfile());

    public SupportProfile SetProfile(Guid partner, SupportProfile profile) => profiles[partner] = profile;

    public int CreateRequestsReceived { get; private set; }
    public int ServiceRequestsCreated { get; private set; }

    /// <summary>While set, a create is carried out but its answer never leaves (the caller dies or times out waiting).</summary>
    public bool HoldCreateAnswers { get; set; }

    /// <summary>With a value, Microsoft answers by itself: attention_needed with a note after this, closed after twice this.</summary>
    public TimeSpan? AutoRespondAfter { get; set; }

    public (ServiceRequest Request, bool Created) Create(Guid partner, string? requestId, ServiceRequest draft, SupportTopic topic)
    {
        lock (gate)
        {
            CreateRequestsReceived++;
            if (requestId is { Length: > 0 } && byRequestId.TryGetValue((partner, requestId), out var existing))
            {
                return (requests[existing].Request, false);
            }

            var now = clock.GetUtcNow();
            var request = new ServiceRequest
            {
                Id = (nextId++).ToString(CultureInfo.InvariantCulture),
                Title = draft.Title,
                Description = draft.Description,
                Severity = draft.Severity,
                SupportTopicId = topic.Id.ToString(CultureInfo.InvariantCulture),
                SupportTopicName = topic.Name,
                Status = "open",
                PrimaryContact = draft.PrimaryContact,
                ProductName = topic.Name,
                CreatedDate = now,
                LastModifiedDate = now,
                Notes = [.. draft.Notes ?? []],
                CountryCode = draft.CountryCode ?? "US",
            };
            requests[request.Id] = (partner, request);
            if (requestId is { Length: > 0 })
            {
                byRequestId[(partner, requestId)] = request.Id;
            }

            ServiceRequestsCreated++;
            return (request, true);
        }
    }

    public ServiceRequest? Get(Guid partner, string id)
    {
        lock (gate)
        {
            if (!requests.TryGetValue(id, out var entry) || entry.Partner != partner)
            {
                return null;
            }

            AutoRespond(entry.Request);
            return entry.Request;
        }
    }

    public List<ServiceRequest> All(Guid partner)
    {
        lock (gate)
        {
            var mine = requests.Values.Where(r => r.Partner == partner).Select(r => r.Request).OrderByDescending(r => r.CreatedDate).ToList();
            mine.ForEach(AutoRespond);
            return mine;
        }
    }

    /// <summary>The partner adds a note or closes its request (PATCH with NewNote or Status).</summary>
    public ServiceRequest? Update(Guid partner, string id, ServiceRequest patch, string partnerName)
    {
        lock (gate)
        {
            if (!requests.TryGetValue(id, out var entry) || entry.Partner != partner)
            {
                return null;
            }

            var now = clock.GetUtcNow();
            var request = entry.Request;
            if (patch.NewNote?.Text is { Length: > 0 } text)
            {
                request.Notes!.Add(new ServiceRequestNote { CreatedByName = partnerName, CreatedDate = now, Text = text });
            }

            if (patch.Status is { Length: > 0 } status)
            {
                request.Status = status;
                if (status == "closed")
                {
                    request.LastClosedDate = now;
                }
            }

            request.LastModifiedDate = now;
            return request;
        }
    }

    /// <summary>Microsoft's support answers: a note from its engineer and, optionally, a new status.</summary>
    public bool Respond(string id, string? note, string? status)
    {
        lock (gate)
        {
            if (!requests.TryGetValue(id, out var entry))
            {
                return false;
            }

            var now = clock.GetUtcNow();
            if (note is { Length: > 0 })
            {
                entry.Request.Notes!.Add(new ServiceRequestNote { CreatedByName = "Microsoft Support", CreatedDate = now, Text = note });
            }

            if (status is { Length: > 0 })
            {
                entry.Request.Status = status;
                if (status == "closed")
                {
                    entry.Request.LastClosedDate = now;
                }
            }

            entry.Request.LastModifiedDate = now;
            return true;
        }
    }

    private void AutoRespond(ServiceRequest request)
    {
        if (AutoRespondAfter is not { } after || request.CreatedDate is not { } created || request.Status == "closed")
        {
            return;
        }

        var now = clock.GetUtcNow();
        var microsoftNotes = request.Notes!.Count(n => n.CreatedByName == "Microsoft Support");
        if (microsoftNotes == 0 && now >= created + after)
        {
            request.Notes!.Add(new ServiceRequestNote { CreatedByName = "Microsoft Support", CreatedDate = now, Text = "Thank you for contacting Microsoft Support. We have reproduced the behaviour and need the message trace of one affected message; please attach it to this request." });
            request.Status = "attention_needed";
            request.LastModifiedDate = now;
        }
        else if (microsoftNotes == 1 && now >= created + (after * 2))
        {
            request.Notes!.Add(new ServiceRequestNote { CreatedByName = "Microsoft Support", CreatedDate = now, Text = "A fix has been deployed to the affected service. We are closing this request; reopen it if the problem comes back." });
            request.Status = "closed";
            request.LastClosedDate = now;
            request.LastModifiedDate = now;
        }
    }
}
