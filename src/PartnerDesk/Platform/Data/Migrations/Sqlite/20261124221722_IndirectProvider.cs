using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IndirectProvider : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "IndirectProviderEmail",
                table: "Organisations",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "LinkedTicketId",
                table: "Escalations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LinkedTicketNumber",
                table: "Escalations",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ShareInternalNotes",
                table: "Escalations",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "ResellerLinks",
                columns: table => new
                {
                    TicketId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResellerOrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResellerName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ResellerEscalationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResellerTicketId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResellerLinks", x => x.TicketId);
                    table.ForeignKey(
                        name: "FK_ResellerLinks_Tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "Tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ResellerLinks_ResellerEscalationId",
                table: "ResellerLinks",
                column: "ResellerEscalationId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ResellerLinks");

            migrationBuilder.DropColumn(
                name: "IndirectProviderEmail",
                table: "Organisations");

            migrationBuilder.DropColumn(
                name: "LinkedTicketId",
                table: "Escalations");

            migrationBuilder.DropColumn(
                name: "LinkedTicketNumber",
                table: "Escalations");

            migrationBuilder.DropColumn(
                name: "ShareInternalNotes",
                table: "Escalations");
        }
    }
}
