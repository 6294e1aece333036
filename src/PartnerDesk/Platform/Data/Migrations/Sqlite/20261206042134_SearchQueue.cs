using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Sqlite
{
    /// <summary>
    /// The search index written in batches (Features/Tickets/TicketSearchIndexer.cs, decisions 8p.7): the triggers no
    /// longer write a ticket's FTS5 row in the writing transaction, they note the ticket in a queue, and the indexer writes
    /// the rows of many queued tickets in one transaction. "Removed" is a row id to delete (a ticket gone, or the old
    /// row of a ticket whose number or organisation changed); "TicketId" a ticket whose row is written again from its
    /// tables. The row ids are those of migration TicketSearch.
    /// </summary>
    public partial class SearchQueue : Migration
    {
        private static readonly string[] Triggers = ["TicketAdded", "TicketChanged", "TicketRemoved", "MessageAdded", "MessageChanged", "MessageRemoved"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""CREATE TABLE "TicketSearchQueue" ("Seq" INTEGER PRIMARY KEY, "TicketId" TEXT, "Removed" INTEGER);""");
            DropTriggers(migrationBuilder);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TicketSearch_TicketAdded" AFTER INSERT ON "Tickets" BEGIN
                    INSERT INTO "TicketSearchQueue" ("TicketId") VALUES (new."Id");
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER "TicketSearch_TicketChanged" AFTER UPDATE OF "Title", "Description", "OrganisationId", "Number" ON "Tickets" BEGIN
                    INSERT INTO "TicketSearchQueue" ("TicketId", "Removed") VALUES (new."Id", {TicketSearch.KeyOfOld});
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER "TicketSearch_TicketRemoved" AFTER DELETE ON "Tickets" BEGIN
                    INSERT INTO "TicketSearchQueue" ("Removed") VALUES ({TicketSearch.KeyOfOld});
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TicketSearch_MessageAdded" AFTER INSERT ON "TicketMessages" BEGIN
                    INSERT INTO "TicketSearchQueue" ("TicketId") VALUES (new."TicketId");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TicketSearch_MessageChanged" AFTER UPDATE OF "Body", "Visibility", "TicketId" ON "TicketMessages" BEGIN
                    INSERT INTO "TicketSearchQueue" ("TicketId") VALUES (old."TicketId");
                    INSERT INTO "TicketSearchQueue" ("TicketId") SELECT new."TicketId" WHERE new."TicketId" IS NOT old."TicketId";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TicketSearch_MessageRemoved" AFTER DELETE ON "TicketMessages" BEGIN
                    INSERT INTO "TicketSearchQueue" ("TicketId") VALUES (old."TicketId");
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Whatever the queue still held is written by rebuilding the index, then the triggers write as before.
            DropTriggers(migrationBuilder);
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "TicketSearchQueue";""");
            migrationBuilder.Sql("""DELETE FROM "TicketSearchTexts";""");
            migrationBuilder.Sql("""INSERT OR IGNORE INTO "TicketSearchOrganisations" ("OrganisationId") SELECT DISTINCT "OrganisationId" FROM "Tickets" ORDER BY 1;""");
            migrationBuilder.Sql(TicketSearch.Index("1 = 1") + ";");
            TicketSearch.CreateTriggers(migrationBuilder);
        }

        private static void DropTriggers(MigrationBuilder migrationBuilder)
        {
            foreach (var trigger in Triggers)
            {
                migrationBuilder.Sql($"DROP TRIGGER IF EXISTS \"TicketSearch_{trigger}\";");
            }
        }
    }
}
