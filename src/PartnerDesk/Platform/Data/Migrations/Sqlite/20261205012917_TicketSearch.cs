using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Sqlite
{
    /// <summary>
    /// Full-text search of tickets (Features/Tickets/TicketSearch.cs): an FTS5 table with a ticket's public text
    /// (title, description, public replies) and its internal notes, one row per ticket, kept by triggers so that
    /// every writer (EF, the bench's raw inserts, a bulk import) leaves it right in the same transaction. A row's id
    /// is the organisation's slot shifted 40 bits plus the ticket's number, so that one organisation's tickets are
    /// one range of row ids in number order: FTS5 walks it newest first and stops at the page's end.
    /// </summary>
    public partial class TicketSearch : Migration
    {
        // A ticket's row id, from its organisation and number.
        private const string KeyOfNew = "((SELECT \"Slot\" FROM \"TicketSearchOrganisations\" WHERE \"OrganisationId\" = new.\"OrganisationId\") << 40) + new.\"Number\"";
        internal const string KeyOfOld = "((SELECT \"Slot\" FROM \"TicketSearchOrganisations\" WHERE \"OrganisationId\" = old.\"OrganisationId\") << 40) + old.\"Number\"";

        /// <summary>Writes a ticket's row from its tables (every message), for the tickets the condition names.</summary>
        internal static string Index(string where) => $"""
            INSERT INTO "TicketSearchTexts" (rowid, "PublicText", "InternalText")
            SELECT (s."Slot" << 40) + t."Number",
                   t."Title" || char(10) || t."Description"
                       || coalesce((SELECT char(10) || group_concat(m."Body", char(10)) FROM "TicketMessages" m WHERE m."TicketId" = t."Id" AND m."Visibility" = 'Public'), ''),
                   coalesce((SELECT group_concat(m."Body", char(10)) FROM "TicketMessages" m WHERE m."TicketId" = t."Id" AND m."Visibility" <> 'Public'), '')
            FROM "Tickets" t JOIN "TicketSearchOrganisations" s ON s."OrganisationId" = t."OrganisationId"
            WHERE {where}
            """;

        /// <summary>A ticket's row again, after a message of it changed or went (rare: nothing in PartnerDesk edits messages).</summary>
        private static string Reindex(string ticketId) => $"""
            DELETE FROM "TicketSearchTexts" WHERE rowid = (SELECT (s."Slot" << 40) + t."Number" FROM "Tickets" t JOIN "TicketSearchOrganisations" s ON s."OrganisationId" = t."OrganisationId" WHERE t."Id" = {ticketId});
            {Index($"t.\"Id\" = {ticketId}")};
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""CREATE TABLE "TicketSearchOrganisations" ("Slot" INTEGER PRIMARY KEY, "OrganisationId" TEXT NOT NULL UNIQUE);""");

            // Accents folded (ä → a) as PostgreSQL's translate() does; prefixes of 2 to 12 letters indexed (a search
            // word counts with its first 12, SearchWords.MaxLetters), so that a prefix reads one list, walked newest
            // first and stopped at the page's end, rather than a merge of every word it begins (at 1,000,000 tickets
            // "restart"* took 70 ms without, 0.3 ms with; the index is about 1.8 times as large).
            migrationBuilder.Sql("""CREATE VIRTUAL TABLE "TicketSearchTexts" USING fts5("PublicText", "InternalText", tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6 7 8 9 10 11 12');""");

            // The tickets there are (the demo world, a desk's history).
            migrationBuilder.Sql("""INSERT INTO "TicketSearchOrganisations" ("OrganisationId") SELECT DISTINCT "OrganisationId" FROM "Tickets" ORDER BY 1;""");
            migrationBuilder.Sql(Index("1 = 1") + ";");
            CreateTriggers(migrationBuilder);
        }

        /// <summary>The triggers that write a ticket's row in the writing transaction (until migration SearchQueue, whose Down brings them back).</summary>
        internal static void CreateTriggers(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                CREATE TRIGGER "TicketSearch_TicketAdded" AFTER INSERT ON "Tickets" BEGIN
                    INSERT OR IGNORE INTO "TicketSearchOrganisations" ("OrganisationId") VALUES (new."OrganisationId");
                    INSERT INTO "TicketSearchTexts" (rowid, "PublicText", "InternalText") VALUES ({KeyOfNew}, new."Title" || char(10) || new."Description", '');
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER "TicketSearch_TicketChanged" AFTER UPDATE OF "Title", "Description", "OrganisationId", "Number" ON "Tickets" BEGIN
                    DELETE FROM "TicketSearchTexts" WHERE rowid = {KeyOfOld};
                    INSERT OR IGNORE INTO "TicketSearchOrganisations" ("OrganisationId") VALUES (new."OrganisationId");
                    {Index("t.\"Id\" = new.\"Id\"")};
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER "TicketSearch_TicketRemoved" AFTER DELETE ON "Tickets" BEGIN
                    DELETE FROM "TicketSearchTexts" WHERE rowid = {KeyOfOld};
                END;
                """);

            // A new message adds its text to its ticket's row (FTS5 rewrites the row; no other message is read).
            // Anything not public is internal: an unknown visibility never reaches contacts.
            migrationBuilder.Sql("""
                CREATE TRIGGER "TicketSearch_MessageAdded" AFTER INSERT ON "TicketMessages" BEGIN
                    UPDATE "TicketSearchTexts" SET
                        "PublicText" = CASE WHEN new."Visibility" = 'Public' THEN "PublicText" || char(10) || new."Body" ELSE "PublicText" END,
                        "InternalText" = CASE WHEN new."Visibility" = 'Public' THEN "InternalText" ELSE "InternalText" || char(10) || new."Body" END
                    WHERE rowid = (SELECT (s."Slot" << 40) + t."Number" FROM "Tickets" t JOIN "TicketSearchOrganisations" s ON s."OrganisationId" = t."OrganisationId" WHERE t."Id" = new."TicketId");
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER "TicketSearch_MessageChanged" AFTER UPDATE OF "Body", "Visibility", "TicketId" ON "TicketMessages" BEGIN
                    {Reindex("old.\"TicketId\"")}
                    {Reindex("new.\"TicketId\"")}
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER "TicketSearch_MessageRemoved" AFTER DELETE ON "TicketMessages" BEGIN
                    {Reindex("old.\"TicketId\"")}
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var trigger in new[] { "TicketAdded", "TicketChanged", "TicketRemoved", "MessageAdded", "MessageChanged", "MessageRemoved" })
            {
                migrationBuilder.Sql($"DROP TRIGGER IF EXISTS \"TicketSearch_{trigger}\";");
            }

            migrationBuilder.Sql("DROP TABLE IF EXISTS \"TicketSearchTexts\";");
            migrationBuilder.Sql("DROP TABLE IF EXISTS \"TicketSearchOrganisations\";");
        }
    }
}
