using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Postgres
{
    /// <summary>
    /// Word statistics fine enough for the planner to tell a rare word from a common one. With the default (100),
    /// PostgreSQL keeps about a thousand words of the search texts and guesses 0.17 % of the tickets for any other
    /// prefix, so for a word in a hundred tickets of a million it walked the newest tickets one by one (250,000 rows,
    /// 0.2–1.5 s) instead of asking the GIN index (0.2 ms). 10,000 keeps about a hundred thousand words; ANALYZE reads
    /// every row of a million-ticket table once (about 10 s, here and by autovacuum later). Not in the EF model, so no
    /// model change and no SQLite counterpart (FTS5 has no planner to mislead). bench/README.md, decisions 8q.3.
    /// </summary>
    [DbContext(typeof(PostgresDb))]
    [Migration("20261205150000_SearchWordStatistics")]
    public partial class SearchWordStatistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE "TicketSearch" ALTER COLUMN "PublicText" SET STATISTICS 10000;
                ALTER TABLE "TicketSearch" ALTER COLUMN "AllText" SET STATISTICS 10000;
                ANALYZE "TicketSearch";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE "TicketSearch" ALTER COLUMN "PublicText" SET STATISTICS -1;
                ALTER TABLE "TicketSearch" ALTER COLUMN "AllText" SET STATISTICS -1;
                """);
        }
    }
}
