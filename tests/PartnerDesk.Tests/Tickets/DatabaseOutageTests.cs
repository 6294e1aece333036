using System.Net;
using System.Net.Http.Json;
using Npgsql;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Tickets;

/// <summary>PostgreSQL going away under a running host (a restart, a failover) is a 503 to retry, never a 500.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task Connections_cut_by_the_server_answer_503_with_retry_after_and_the_next_request_goes_through()
    {
        if (!TestDatabase.IsPostgres)
        {
            Assert.Skip("PostgreSQL's server-side connections only.");
        }

        var connection = await TestDatabase.CreateAsync();
        await using var app = new PartnerDeskApp(connection);
        var admin = await app.ClientFor(Demo.ContosoAdmin);
        object Ticket(string title) => new { customerId = DemoWorld.Ids.Adatum, title, description = "d", severity = "C", kind = "Incident" };
        await (await admin.PostAsJsonAsync("/api/v1/tickets", Ticket("Before"), Ct)).Read<TicketDetails>(HttpStatusCode.Created);

        // What a restart does to the pooled connections: the server ends them.
        var database = new NpgsqlConnectionStringBuilder(connection).Database;
        await using (var server = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connection) { Database = "postgres", Pooling = false }.ConnectionString))
        {
            await server.OpenAsync(Ct);
            await using var terminate = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid()", server);
            terminate.Parameters.AddWithValue("db", database!);
            Assert.True((long)(await terminate.ExecuteScalarAsync(Ct))! > 0);
        }

        var cut = await admin.PostAsJsonAsync("/api/v1/tickets", Ticket("While cut"), Ct);
        await cut.Problem(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("2", cut.Headers.GetValues("Retry-After").Single());

        // The pool drops each dead connection as a request meets it (each such request a 503 too, never a 500);
        // the server is there for the next.
        for (var attempt = 1; ; attempt++)
        {
            var after = await admin.PostAsJsonAsync("/api/v1/tickets", Ticket("After"), Ct);
            if (after.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 20)
            {
                continue;
            }

            await after.Read<TicketDetails>(HttpStatusCode.Created);
            break;
        }

        // For the operator: one warning for the spell (the clock stands still here), not EF's three `fail` lines a request.
        Assert.Empty(app.Failures);
        var told = Assert.Single(app.Warnings, w => w.StartsWith(typeof(BadRequestProblemHandler).FullName + ":", StringComparison.Ordinal));
        Assert.StartsWith(typeof(BadRequestProblemHandler).FullName + ": The database cannot be reached (", told, StringComparison.Ordinal);
        Assert.Contains("answered 503", told, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_outages_count_as_unreachable_not_faults_of_the_request()
    {
        Assert.True(BadRequestProblemHandler.IsUnreachable(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")));
        Assert.True(BadRequestProblemHandler.IsUnreachable(new InvalidOperationException("wrapped", new NpgsqlException("broken", new IOException("reset")))));
        Assert.False(BadRequestProblemHandler.IsUnreachable(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")));
        Assert.False(BadRequestProblemHandler.IsUnreachable(new InvalidOperationException("not a database's")));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
