using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Tickets;

public sealed class SqliteBusyTests
{
    [Fact]
    public async Task A_write_that_finds_the_database_locked_is_a_503_and_the_next_write_goes_through()
    {
        if (TestDatabase.IsPostgres)
        {
            Assert.Skip("SQLite's single write lock only.");
        }

        var connection = await TestDatabase.CreateAsync();
        await using var app = new PartnerDeskApp(connection + ";Default Timeout=1");
        var admin = await app.ClientFor(Demo.ContosoAdmin);
        object Ticket(string title) => new { customerId = DemoWorld.Ids.Adatum, title, description = "d", severity = "C", kind = "Incident" };

        // Another process holds the write lock.
        await using (var other = new SqliteConnection(connection + ";Pooling=False"))
        {
            await other.OpenAsync(TestContext.Current.CancellationToken);
            await using var begin = other.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);

            var blocked = await admin.PostAsJsonAsync("/api/v1/tickets", Ticket("While locked"));
            await blocked.Problem(HttpStatusCode.ServiceUnavailable);
            Assert.True(blocked.Headers.Contains("Retry-After"));
        }

        // The lock is gone, and so must be the host's own write turn: nothing hangs.
        var after = await admin.PostAsJsonAsync("/api/v1/tickets", Ticket("After the lock"));
        await after.Read<TicketDetails>(HttpStatusCode.Created);
        var found = await (await admin.GetAsync("/api/v1/tickets?q=While%20locked")).Read<Page<TicketSummary>>();
        Assert.Empty(found.Items);
    }

    [Fact]
    public async Task A_transaction_left_open_when_its_scope_ends_gives_the_write_turn_back()
    {
        if (TestDatabase.IsPostgres)
        {
            Assert.Skip("The write turn is SQLite's.");
        }

        await using var app = await PartnerDeskApp.StartAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PartnerDesk.Platform.Data.PartnerDeskDb>();
            await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
            await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken); // never committed, never disposed
        }

        // Were the turn still taken, this would wait for the gate's 30 s and answer 503.
        var admin = await app.ClientFor(Demo.ContosoAdmin);
        var created = await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title = "After", description = "d", severity = "C", kind = "Incident" });
        await created.Read<TicketDetails>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Every_connection_waits_for_the_write_lock_syncs_normally_and_keeps_a_small_page_cache()
    {
        if (TestDatabase.IsPostgres)
        {
            Assert.Skip("SQLite's pragmas only.");
        }

        await using var app = await PartnerDeskApp.StartAsync();

        // Every connection the app opens carries its settings: two open at once are two native connections of the pool.
        await using var first = app.Services.CreateAsyncScope();
        await using var second = app.Services.CreateAsyncScope();
        foreach (var scope in new[] { first, second })
        {
            var db = scope.ServiceProvider.GetRequiredService<PartnerDesk.Platform.Data.PartnerDeskDb>();
            await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
            async Task<long> Pragma(string name)
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "PRAGMA " + name;
                return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
            }

            Assert.Equal(-256, await Pragma("cache_size")); // KiB, per connection (decisions 8p.6)
            Assert.Equal(1, await Pragma("synchronous")); // NORMAL
            Assert.Equal(30_000, await Pragma("busy_timeout"));
        }

        var handles = new[] { first, second }.Select(s => ((SqliteConnection)s.ServiceProvider.GetRequiredService<PartnerDesk.Platform.Data.PartnerDeskDb>().Database.GetDbConnection()).Handle).ToList();
        Assert.NotSame(handles[0], handles[1]);
    }
}
