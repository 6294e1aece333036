using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReportIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Tickets_Report_CreatedAt",
                table: "Tickets",
                columns: new[] { "OrganisationId", "CreatedAt", "CustomerId", "Kind", "RequesterContactId", "Severity", "Channel", "AssigneeAgentId", "PlanId", "Service", "ResolvedAt", "FirstRespondedAt", "FirstResponseDueAt", "ResolutionDueAt", "SlaBreached" });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_Report_ResolvedAt",
                table: "Tickets",
                columns: new[] { "OrganisationId", "ResolvedAt", "CreatedAt", "CustomerId", "Kind", "RequesterContactId", "Severity", "Channel", "AssigneeAgentId", "PlanId", "Service" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tickets_Report_CreatedAt",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_Report_ResolvedAt",
                table: "Tickets");
        }
    }
}
