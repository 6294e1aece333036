using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Postgres
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
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    PartnerTenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProtectedRefreshToken = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    Source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ConfiguredTokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ConnectedBy = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    ConnectedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RefreshedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Broken = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    BrokenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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
