using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class QueueSortIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Tickets_Active_Severity",
                table: "Tickets",
                columns: new[] { "OrganisationId", "Severity", "Number" },
                filter: "\"Status\" IN ('New', 'Open', 'PendingCustomer', 'Escalated')");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_Active_UpdatedAt",
                table: "Tickets",
                columns: new[] { "OrganisationId", "UpdatedAt" },
                filter: "\"Status\" IN ('New', 'Open', 'PendingCustomer', 'Escalated')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tickets_Active_Severity",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_Active_UpdatedAt",
                table: "Tickets");
        }
    }
}
