using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ActiveCustomerIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Tickets_Active_Customer",
                table: "Tickets",
                columns: new[] { "OrganisationId", "CustomerId", "Number" },
                filter: "\"Status\" IN ('New', 'Open', 'PendingCustomer', 'Escalated')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tickets_Active_Customer",
                table: "Tickets");
        }
    }
}
