using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ContactEmailIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Senders are found by lower("Email") (mail intake): an index on that expression, which EF's model cannot describe.
            migrationBuilder.Sql("CREATE INDEX \"IX_Contacts_OrganisationId_EmailLower\" ON \"Contacts\" (\"OrganisationId\", lower(\"Email\"));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX \"IX_Contacts_OrganisationId_EmailLower\";");
        }
    }
}
