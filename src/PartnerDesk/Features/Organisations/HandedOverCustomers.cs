using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Organisations;

/// <summary>The customer records an organisation keeps for tickets handed to it by another (a reseller, a partner).</summary>
public static class HandedOverCustomers
{
    /// <summary>
    /// The one record per tenant in the receiving organisation (<paramref name="receiver"/> acts inside it),
    /// added when missing and named after the organisation it came through.
    /// </summary>
    public static async Task<Customer> ForTenant(
        PartnerDeskDb receiver, Guid receiverId, Guid tenantId, string name, string domain, string? timeZone, string via, DateTimeOffset now, CancellationToken ct)
    {
        var customer = await receiver.Customers.FirstOrDefaultAsync(c => c.TenantId == tenantId, ct);
        if (customer is null)
        {
            // Named after the organisation it came through, within the column (a long name must not fail the hand-over for ever).
            var full = $"{name} ({via})";
            customer = new Customer
            {
                OrganisationId = receiverId,
                Name = full.Length <= 200 ? full : string.Concat(full.AsSpan(0, 199), "…"),
                TenantId = tenantId,
                DefaultDomain = domain,
                TimeZoneId = timeZone,
                CreatedAt = now,
            };
            receiver.Customers.Add(customer);
        }

        return customer;
    }
}
