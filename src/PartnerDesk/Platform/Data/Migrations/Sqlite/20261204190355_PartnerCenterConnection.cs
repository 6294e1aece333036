using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PartnerCenterConnection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PartnerCenterConnections",
                columns: table => new
                {
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerTenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProtectedRefreshToken = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ConfiguredTokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ConnectedBy = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    ConnectedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RefreshedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Broken = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    BrokenAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerCenterConnections", x => x.OrganisationId);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PartnerCenterConnections");
        }
    }
}
