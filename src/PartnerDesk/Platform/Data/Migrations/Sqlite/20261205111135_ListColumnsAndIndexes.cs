using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ListColumnsAndIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_QueueColumnChoices_OrganisationId_AgentId",
                table: "QueueColumnChoices");

            migrationBuilder.AddColumn<string>(
                name: "List",
                table: "QueueColumnChoices",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "queue");

            migrationBuilder.CreateIndex(
                name: "IX_QueueColumnChoices_OrganisationId_AgentId_List",
                table: "QueueColumnChoices",
                columns: new[] { "OrganisationId", "AgentId", "List" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Escalations_OrganisationId_CreatedAt",
                table: "Escalations",
                columns: new[] { "OrganisationId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Articles_OrganisationId_Title",
                table: "Articles",
                columns: new[] { "OrganisationId", "Title" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_QueueColumnChoices_OrganisationId_AgentId_List",
                table: "QueueColumnChoices");

            migrationBuilder.DropIndex(
                name: "IX_Escalations_OrganisationId_CreatedAt",
                table: "Escalations");

            migrationBuilder.DropIndex(
                name: "IX_Articles_OrganisationId_Title",
                table: "Articles");

            migrationBuilder.DropColumn(
                name: "List",
                table: "QueueColumnChoices");

            migrationBuilder.CreateIndex(
                name: "IX_QueueColumnChoices_OrganisationId_AgentId",
                table: "QueueColumnChoices",
                columns: new[] { "OrganisationId", "AgentId" },
                unique: true);
        }
    }
}
