using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class MailLoopGuard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_MailConversations_OrganisationId_Address",
                table: "MailConversations",
                columns: new[] { "OrganisationId", "Address" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_MailConversations_OrganisationId_Address",
                table: "MailConversations");
        }
    }
}
