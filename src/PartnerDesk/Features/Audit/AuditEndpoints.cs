using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Audit;

public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", async Task<IResult> (HttpContext http, PartnerDeskDb db, Guid? customerId, Guid? actorId, string? action, DateTimeOffset? from, DateTimeOffset? to,
                string? cursor, int? limit, string? format, CancellationToken ct) =>
            {
                if (!AuditLog.MayRead(db))
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The audit log is for admins, and for a customer's admin contacts.");
                }

                var filter = new AuditFilter(customerId, actorId, action, from, to);
                var errors = AuditLog.Check(filter);
                var size = errors.Limit(limit, AuditLog.DefaultLimit, AuditLog.MaxLimit);
                var before = errors.Cursor(cursor);
                if (format is not (null or "json" or "csv"))
                {
                    errors.Add("format", "json or csv.");
                }

                if (errors.Any)
                {
                    return errors.ToProblem();
                }

                if (format == "csv")
                {
                    http.Response.ContentType = "text/csv; charset=utf-8";
                    http.Response.Headers.ContentDisposition = "attachment; filename=\"partnerdesk-audit.csv\"";
                    await AuditLog.WriteCsv(db, filter, http.Response.Body, ct);
                    return TypedResults.Empty;
                }

                return TypedResults.Ok(await AuditLog.List(db, filter, before, size, ct));
            })
            .WithTags("Audit").Produces<Page<AuditEntryView>>()
            .WithSummary("Agents' access to customers' data (reads of tickets, workspaces, tenant facts and subscriptions; every change), newest first, cursor-paged; format=csv exports all that matches. Admins see every customer, a customer's admin contact its own.");
        return api;
    }
}
