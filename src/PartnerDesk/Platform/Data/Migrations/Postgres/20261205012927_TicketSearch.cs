using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Postgres
{
    /// <summary>
    /// Full-text search of tickets (Features/Tickets/TicketSearch.cs): per ticket, a tsvector of its public text
    /// (title, description, public replies) and one of all its text (with the internal notes), each with a GIN
    /// index, kept by triggers so that every writer (EF, COPY, a bulk import) leaves them right in the same
    /// transaction. The 'simple' configuration (no stemming, no stop words: tickets are German and English, and a
    /// stemmer of one language mangles the other), ASCII punctuation made a separator and Latin accents folded, so
    /// that a text splits into the same words as in SQLite's FTS5 (unicode61, remove_diacritics 2). Positions are
    /// stripped: the search needs none, and a long conversation stays far below a tsvector's 1 MB.
    /// </summary>
    public partial class TicketSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The same two strings as SearchWords.FoldFrom and FoldTo (the query's words are folded in C#).
            migrationBuilder.Sql("""
                CREATE FUNCTION ticket_search_words(body text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT strip(to_tsvector('simple'::regconfig, translate(
                        regexp_replace(coalesce(body, ''), '[\x01-\x2F\x3A-\x40\x5B-\x60\x7B-\x7F\u00A0-\u00BF\u00D7\u00F7\u2000-\u206F]+', ' ', 'g'),
                        'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿ',
                        'AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyy')))
                $$;
                """);

            migrationBuilder.Sql("""
                CREATE TABLE "TicketSearch" (
                    "TicketId" uuid NOT NULL PRIMARY KEY REFERENCES "Tickets" ("Id") ON DELETE CASCADE,
                    "OrganisationId" uuid NOT NULL,
                    "Number" bigint NOT NULL,
                    "PublicText" tsvector NOT NULL,
                    "AllText" tsvector NOT NULL);
                """);

            // A ticket's vectors from its tables (every message). Anything not public is internal.
            migrationBuilder.Sql("""
                CREATE FUNCTION ticket_search_refresh(ticket uuid) RETURNS void LANGUAGE sql AS $$
                    INSERT INTO "TicketSearch" ("TicketId", "OrganisationId", "Number", "PublicText", "AllText")
                    SELECT t."Id", t."OrganisationId", t."Number", p.words, p.words || i.words
                    FROM "Tickets" t,
                        LATERAL (SELECT ticket_search_words(t."Title" || E'\n' || t."Description" || E'\n' || coalesce(
                            (SELECT string_agg(m."Body", E'\n') FROM "TicketMessages" m WHERE m."TicketId" = t."Id" AND m."Visibility" = 'Public'), ''))) AS p(words),
                        LATERAL (SELECT ticket_search_words(
                            (SELECT string_agg(m."Body", E'\n') FROM "TicketMessages" m WHERE m."TicketId" = t."Id" AND m."Visibility" <> 'Public'))) AS i(words)
                    WHERE t."Id" = ticket
                    ON CONFLICT ("TicketId") DO UPDATE SET "OrganisationId" = excluded."OrganisationId", "Number" = excluded."Number",
                        "PublicText" = excluded."PublicText", "AllText" = excluded."AllText";
                $$;
                """);

            // The tickets there are, then the indexes (faster than filling indexed tables).
            migrationBuilder.Sql("""
                INSERT INTO "TicketSearch" ("TicketId", "OrganisationId", "Number", "PublicText", "AllText")
                SELECT t."Id", t."OrganisationId", t."Number", p.words, p.words || ticket_search_words(i.body)
                FROM "Tickets" t
                    LEFT JOIN LATERAL (SELECT string_agg(m."Body", E'\n') FILTER (WHERE m."Visibility" = 'Public') AS public_body,
                                              string_agg(m."Body", E'\n') FILTER (WHERE m."Visibility" <> 'Public') AS body
                                       FROM "TicketMessages" m WHERE m."TicketId" = t."Id") i ON true
                    CROSS JOIN LATERAL (SELECT ticket_search_words(t."Title" || E'\n' || t."Description" || E'\n' || coalesce(i.public_body, ''))) AS p(words);
                """);
            migrationBuilder.Sql("""CREATE UNIQUE INDEX "IX_TicketSearch_OrganisationId_Number" ON "TicketSearch" ("OrganisationId", "Number");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_TicketSearch_PublicText" ON "TicketSearch" USING gin ("PublicText");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_TicketSearch_AllText" ON "TicketSearch" USING gin ("AllText");""");

            // New tickets: one statement per insert statement (a COPY of a million tickets is one set-based insert).
            migrationBuilder.Sql("""
                CREATE FUNCTION ticket_search_tickets_added() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO "TicketSearch" ("TicketId", "OrganisationId", "Number", "PublicText", "AllText")
                    SELECT n."Id", n."OrganisationId", n."Number", w.words, w.words
                    FROM added n CROSS JOIN LATERAL (SELECT ticket_search_words(n."Title" || E'\n' || n."Description")) AS w(words)
                    ON CONFLICT ("TicketId") DO NOTHING;
                    RETURN NULL;
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ticket_search_tickets_added AFTER INSERT ON "Tickets" REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_tickets_added();
                """);

            // A changed title or description (rare): the ticket's vectors again from its tables.
            migrationBuilder.Sql("""
                CREATE FUNCTION ticket_search_ticket_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM ticket_search_refresh(NEW."Id");
                    RETURN NULL;
                EXCEPTION WHEN program_limit_exceeded THEN
                    RETURN NULL; -- words beyond a tsvector's size: the ticket keeps its vectors, the change is saved
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ticket_search_ticket_changed AFTER UPDATE OF "Title", "Description", "OrganisationId", "Number" ON "Tickets"
                    FOR EACH ROW EXECUTE FUNCTION ticket_search_ticket_changed();
                """);

            // New messages add their words to their tickets' vectors, one statement per insert statement.
            migrationBuilder.Sql("""
                CREATE FUNCTION ticket_search_messages_added() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    one uuid;
                BEGIN
                    BEGIN
                        UPDATE "TicketSearch" s SET "PublicText" = s."PublicText" || n.public_words, "AllText" = s."AllText" || n.public_words || n.internal_words
                        FROM (SELECT a."TicketId",
                                     ticket_search_words(string_agg(a."Body", E'\n') FILTER (WHERE a."Visibility" = 'Public')) AS public_words,
                                     ticket_search_words(string_agg(a."Body", E'\n') FILTER (WHERE a."Visibility" <> 'Public')) AS internal_words
                              FROM added a GROUP BY a."TicketId") n
                        WHERE s."TicketId" = n."TicketId";
                    EXCEPTION WHEN program_limit_exceeded THEN
                        -- One ticket's words outgrew a tsvector (1 MB): the others one by one; that one keeps what it had.
                        FOR one IN SELECT DISTINCT a."TicketId" FROM added a LOOP
                            BEGIN
                                PERFORM ticket_search_refresh(one);
                            EXCEPTION WHEN program_limit_exceeded THEN
                                NULL;
                            END;
                        END LOOP;
                    END;
                    RETURN NULL;
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ticket_search_messages_added AFTER INSERT ON "TicketMessages" REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_messages_added();
                """);

            // A changed or removed message (nothing in PartnerDesk does either today): its ticket's vectors again.
            migrationBuilder.Sql("""
                CREATE FUNCTION ticket_search_message_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    BEGIN
                        PERFORM ticket_search_refresh(OLD."TicketId");
                        IF TG_OP = 'UPDATE' AND NEW."TicketId" <> OLD."TicketId" THEN
                            PERFORM ticket_search_refresh(NEW."TicketId");
                        END IF;
                    EXCEPTION WHEN program_limit_exceeded THEN
                        NULL;
                    END;
                    RETURN NULL;
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ticket_search_message_changed AFTER UPDATE OF "Body", "Visibility", "TicketId" OR DELETE ON "TicketMessages"
                    FOR EACH ROW EXECUTE FUNCTION ticket_search_message_changed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS ticket_search_message_changed ON "TicketMessages";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS ticket_search_messages_added ON "TicketMessages";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS ticket_search_ticket_changed ON "Tickets";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS ticket_search_tickets_added ON "Tickets";""");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS ticket_search_message_changed(), ticket_search_messages_added(), ticket_search_ticket_changed(), ticket_search_tickets_added();");
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "TicketSearch";""");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS ticket_search_refresh(uuid), ticket_search_words(text);");
        }
    }
}
