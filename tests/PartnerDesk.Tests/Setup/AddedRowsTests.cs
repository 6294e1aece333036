using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Setup;

/// <summary>
/// A save that only adds rows is written by PartnerDesk's own INSERTs (<c>AddedRows</c>), not by EF: the rows must be
/// exactly those EF writes, the values the database fills must come back, and a failure must leave nothing behind.
/// </summary>
public sealed class AddedRowsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_save_that_only_adds_writes_the_rows_EF_writes_without_EF_and_reads_back_the_keys_the_database_gives()
    {
        var viaEf = NewTicket("Written by EF");
        var direct = NewTicket("Written by EF");
        var (firstDirect, secondDirect, efEvent, directEvent) = await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            // A changed row beside the new ones: the save is not add-only, so EF writes all of it.
            var organisation = await db.Organisations.SingleAsync(o => o.Id == DemoWorld.Ids.Contoso, Ct);
            db.Entry(organisation).Property(o => o.Name).IsModified = true;
            db.Tickets.Add(viaEf);
            var efEvent = TicketHistory.Event(viaEf.OrganisationId, viaEf.CustomerId, viaEf.Id, DemoWorld.Ids.ContosoAdmin, "Admin", "Created", null, "Api", viaEf.CreatedAt);
            db.Add(efEvent);
            var firstDirect = await WrittenDirectly(db, () => db.SaveChangesAsync(Ct));

            db.Tickets.Add(direct);
            var directEvent = TicketHistory.Event(direct.OrganisationId, direct.CustomerId, direct.Id, DemoWorld.Ids.ContosoAdmin, "Admin", "Created", null, "Api", direct.CreatedAt);
            db.Add(directEvent);
            var secondDirect = await WrittenDirectly(db, () => db.SaveChangesAsync(Ct));
            Assert.Equal(EntityState.Unchanged, db.Entry(direct).State);
            Assert.Equal(EntityState.Unchanged, db.Entry(directEvent).State);
            return (firstDirect, secondDirect, efEvent, directEvent);
        });

        Assert.False(firstDirect);
        Assert.True(secondDirect);

        // The history line's key is the database's: the one read back names the row written.
        Assert.True(directEvent.Id > efEvent.Id);
        var ticketRows = await Rows("Tickets", "Number", viaEf.Number, direct.Number);
        var eventRows = await Rows("TicketEvents", "Id", efEvent.Id, directEvent.Id);
        Assert.Equal(direct.Id.ToString(), eventRows[1]["TicketId"]?.ToString(), ignoreCase: true);

        // Every column the same, but the ones that tell the two apart.
        Assert.Equal(Without(ticketRows[0], "Id", "Number"), Without(ticketRows[1], "Id", "Number"));
        Assert.Equal(Without(eventRows[0], "Id", "TicketId"), Without(eventRows[1], "Id", "TicketId"));

        // Read through EF, the row is the ticket that was added; a change to it in a new save finds it by its key.
        var read = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.AsNoTracking().SingleAsync(t => t.Id == direct.Id, Ct));
        Assert.Equal((direct.Title, direct.Severity, direct.Channel, direct.CreatedAt, direct.ResolutionDueAt), (read.Title, read.Severity, read.Channel, read.CreatedAt, read.ResolutionDueAt));
        await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var history = await db.Set<TicketEvent>().SingleAsync(e => e.Id == directEvent.Id, Ct);
            Assert.Equal(direct.Id, history.TicketId);
            return 0;
        });
    }

    [Fact]
    public async Task A_create_that_fails_in_its_own_transaction_leaves_no_row_and_on_SQLite_takes_no_number()
    {
        // SQLite's create saves without a savepoint in its own transaction (nothing to return to but the start): the
        // failed insert must still take back the ticket, its history and the number, all in that one transaction.
        var title = $"Fails {Guid.NewGuid():N}";
        var (before, after, tickets, eventsBefore, eventsAfter) = await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var counters = db.Set<TicketNumberCounter>().IgnoreQueryFilters().AsNoTracking().Where(c => c.OrganisationId == DemoWorld.Ids.Contoso);
            var before = await counters.Select(c => c.LastNumber).SingleAsync(Ct);
            var eventsBefore = await db.TicketEvents.IgnoreQueryFilters().CountAsync(Ct);
            var draft = new TicketDraft(DemoWorld.Ids.Contoso, DemoWorld.Ids.Adatum, title, "d", TicketKind.Incident, Severity.C, Channel.Api);
            // A message of a ticket that does not exist: the database refuses it after the ticket's own rows went in.
            await Assert.ThrowsAsync<DbUpdateException>(() => OpenTicket.Save(db, draft, DemoWorld.Ids.ContosoAdmin, "Admin", "Api", DateTimeOffset.UtcNow,
                _ => [TicketMessages.SystemNote(DemoWorld.Ids.Contoso, DemoWorld.Ids.Adatum, Guid.NewGuid(), "PartnerDesk", "orphan", DateTimeOffset.UtcNow)], Ct));
            Assert.True(db.Database.AutoSavepointsEnabled); // as it was
            db.ChangeTracker.Clear();
            var after = await counters.Select(c => c.LastNumber).SingleAsync(Ct);
            var tickets = await db.Tickets.IgnoreQueryFilters().CountAsync(t => t.Title == title, Ct);
            var eventsAfter = await db.TicketEvents.IgnoreQueryFilters().CountAsync(Ct);
            return (before, after, tickets, eventsBefore, eventsAfter);
        });

        Assert.Equal(0, tickets);
        Assert.Equal(eventsBefore, eventsAfter); // the "Created" line went with the ticket
        // PostgreSQL takes the number on a connection of its own, committed at once (a gap, as documented); SQLite in the create's transaction.
        Assert.Equal(TestDatabase.IsPostgres ? before + 1 : before, after);
    }

    [Fact]
    public async Task A_direct_save_that_fails_writes_none_of_its_rows_and_keeps_them_added()
    {
        var taken = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.MaxAsync(t => t.Number, Ct));
        var first = NewTicket("First of two");
        var second = NewTicket("Second of two, with a number already taken");
        second.Number = taken;

        var error = await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            db.Tickets.Add(first);
            db.Tickets.Add(second);
            var error = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
            Assert.Equal(EntityState.Added, db.Entry(first).State);
            Assert.Equal(EntityState.Added, db.Entry(second).State);
            return error;
        });

        Assert.IsAssignableFrom<DbException>(error.InnerException);
        Assert.True(DbFailures.IsDuplicate(error)); // what the catches that answer "saved a moment ago" expect

        // A row that names a customer that does not exist is refused too, but it is no duplicate: such a failure reaches the host.
        var orphan = NewTicket("For no customer");
        orphan.CustomerId = Guid.NewGuid();
        var foreign = await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            db.Tickets.Add(orphan);
            return await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
        });
        Assert.False(DbFailures.IsDuplicate(foreign));
        Assert.True(foreign.InnerException is Npgsql.PostgresException { SqlState: "23503" } or Microsoft.Data.Sqlite.SqliteException { SqliteExtendedErrorCode: 787 }, foreign.InnerException?.Message);

        // A value the driver refuses before anything is sent fails the save the same way.
        var refused = NewTicket("A time PostgreSQL cannot store");
        refused.CreatedAt = new DateTimeOffset(2026, 3, 4, 10, 0, 0, TimeSpan.FromHours(2));
        var driverError = await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            db.Tickets.Add(refused);
            return await Record.ExceptionAsync(() => db.SaveChangesAsync(Ct));
        });
        if (TestDatabase.IsPostgres)
        {
            // Npgsql refuses a time with an offset other than UTC for timestamptz.
            Assert.False(DbFailures.IsDuplicate(Assert.IsType<DbUpdateException>(driverError)));
        }
        else
        {
            // SQLite stores it as UTC ticks: the same save succeeds there.
            Assert.Null(driverError);
        }

        Assert.Empty(await Rows("Tickets", "Number", first.Number));
        Assert.NotEmpty(await Rows("Tickets", "Number", taken));
    }

    [Fact]
    public async Task A_failed_save_inside_a_transaction_leaves_it_usable_and_without_the_failed_rows()
    {
        var taken = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.MaxAsync(t => t.Number, Ct));
        var first = NewTicket("First of two, in the caller's transaction");
        var second = NewTicket("Second of two, with a number already taken");
        second.Number = taken;
        var third = NewTicket("Saved afterwards in the same transaction");

        var seen = await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            db.Tickets.Add(first);
            db.Tickets.Add(second);
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
            db.ChangeTracker.Clear();

            // The save's savepoint took its rows back: the transaction reads on (PostgreSQL would refuse every statement
            // of a transaction whose statement failed) and holds none of them; a later save in it commits.
            var seen = await db.Tickets.CountAsync(t => t.Number == first.Number, Ct);
            db.Tickets.Add(third);
            await db.SaveChangesAsync(Ct);
            await transaction.CommitAsync(Ct);
            return seen;
        });

        Assert.Equal(0, seen);
        Assert.Empty(await Rows("Tickets", "Number", first.Number));
        Assert.Single(await Rows("Tickets", "Number", third.Number));
    }

    private static Ticket NewTicket(string title)
    {
        // Values of every kind the writer converts: enums, flags, times, nulls and text. Filed in a
        // closed month, so the save also adds the reports' change mark, which reads its key back before the ticket's
        // INSERT runs: every statement after one that reads back must still run.
        var at = new DateTimeOffset(2026, 3, 4, 10, 11, 12, 345, TimeSpan.Zero);
        return new Ticket
        {
            OrganisationId = DemoWorld.Ids.Contoso,
            CustomerId = DemoWorld.Ids.Adatum,
            Number = Random.Shared.NextInt64(500_000_000, 900_000_000),
            Title = title,
            Description = "Ünïcödé \"quoted\" and 'single'; -- not SQL",
            Kind = TicketKind.ServiceRequest,
            Severity = Severity.B,
            Status = TicketStatus.Open,
            Service = "Exchange Online",
            Channel = Channel.Phone,
            CreatedByUserId = DemoWorld.Ids.ContosoAdmin,
            CreatedAt = at,
            UpdatedAt = at,
            AttentionNeeded = true,
            SlaWarned = SlaTargets.FirstResponse | SlaTargets.Resolution,
        };
    }

    /// <summary>Whether the save was written by PartnerDesk's own INSERTs.</summary>
    private static async Task<bool> WrittenDirectly(PartnerDeskDb db, Func<Task> save)
    {
        var before = db.SavesWrittenDirectly;
        await save();
        return db.SavesWrittenDirectly == before + 1;
    }

    /// <summary>The rows as the database holds them, column by column, in the order of the values given.</summary>
    private async Task<List<Dictionary<string, object?>>> Rows(string table, string key, params object[] values)
    {
        return await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var rows = new List<Dictionary<string, object?>>();
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(Ct);
            foreach (var value in values)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"""SELECT * FROM "{table}" WHERE "{key}" = @value""";
                var parameter = command.CreateParameter();
                parameter.ParameterName = "value";
                parameter.Value = value;
                command.Parameters.Add(parameter);
                await using var reader = await command.ExecuteReaderAsync(Ct);
                while (await reader.ReadAsync(Ct))
                {
                    rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i)));
                }
            }

            return rows;
        });
    }

    private static Dictionary<string, object?> Without(Dictionary<string, object?> row, params string[] columns) =>
        row.Where(c => !columns.Contains(c.Key)).ToDictionary();
}
