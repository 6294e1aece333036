using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutboxParked : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OutboxMessages_OrganisationId",
                table: "OutboxMessages");

            migrationBuilder.AddColumn<bool>(
                name: "Parked",
                table: "OutboxMessages",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_Failed",
                table: "OutboxMessages",
                columns: new[] { "OrganisationId", "FailedAt" },
                filter: "\"FailedAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OutboxMessages_Failed",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "Parked",
                table: "OutboxMessages");

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_OrganisationId",
                table: "OutboxMessages",
                column: "OrganisationId");
        }
    }
}
