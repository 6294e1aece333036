using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProviderRouting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PartnerLinks",
                columns: table => new
                {
                    TicketId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerOrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PartnerTicketId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerTicketNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerLinks", x => x.TicketId);
                    table.ForeignKey(
                        name: "FK_PartnerLinks_Tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "Tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ProviderHandovers",
                columns: table => new
                {
                    TicketId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProviderOrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProviderName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ProviderTicketId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ProviderTicketNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    RoutedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProviderHandovers", x => x.TicketId);
                    table.ForeignKey(
                        name: "FK_ProviderHandovers_Tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "Tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerLinks_PartnerTicketId",
                table: "PartnerLinks",
                column: "PartnerTicketId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PartnerLinks");

            migrationBuilder.DropTable(
                name: "ProviderHandovers");
        }
    }
}
