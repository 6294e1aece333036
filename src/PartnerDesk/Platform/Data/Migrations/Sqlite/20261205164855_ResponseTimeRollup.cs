using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ResponseTimeRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ResponseTimeChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResponseTimeChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ResponseTimeChanges_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ResponseTimeMonths",
                columns: table => new
                {
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false),
                    BuiltAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RunningUntil = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResponseTimeMonths", x => new { x.OrganisationId, x.Month });
                    table.ForeignKey(
                        name: "FK_ResponseTimeMonths_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ResponseTimeSeverities",
                columns: table => new
                {
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false),
                    Severity = table.Column<int>(type: "INTEGER", nullable: false),
                    Tickets = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstResponseWithTarget = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstResponseMet = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstResponseMissed = table.Column<int>(type: "INTEGER", nullable: false),
                    ResolutionWithTarget = table.Column<int>(type: "INTEGER", nullable: false),
                    ResolutionMet = table.Column<int>(type: "INTEGER", nullable: false),
                    ResolutionMissed = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstResponses = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Resolutions = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResponseTimeSeverities", x => new { x.OrganisationId, x.Month, x.Severity });
                    table.ForeignKey(
                        name: "FK_ResponseTimeSeverities_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ResponseTimeTotals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TicketsA = table.Column<int>(type: "INTEGER", nullable: false),
                    BreachedA = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstResponseMissedA = table.Column<int>(type: "INTEGER", nullable: false),
                    ResolutionMissedA = table.Column<int>(type: "INTEGER", nullable: false),
                    TicketsB = table.Column<int>(type: "INTEGER", nullable: false),
                    BreachedB = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstResponseMissedB = table.Column<int>(type: "INTEGER", nullable: false),
                    ResolutionMissedB = table.Column<int>(type: "INTEGER", nullable: false),
                    TicketsC = table.Column<int>(type: "INTEGER", nullable: false),
                    BreachedC = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstResponseMissedC = table.Column<int>(type: "INTEGER", nullable: false),
                    ResolutionMissedC = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResponseTimeTotals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ResponseTimeTotals_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ResponseTimeChanges_OrganisationId_Month",
                table: "ResponseTimeChanges",
                columns: new[] { "OrganisationId", "Month" });

            migrationBuilder.CreateIndex(
                name: "IX_ResponseTimeTotals_OrganisationId_Month",
                table: "ResponseTimeTotals",
                columns: new[] { "OrganisationId", "Month" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ResponseTimeChanges");

            migrationBuilder.DropTable(
                name: "ResponseTimeMonths");

            migrationBuilder.DropTable(
                name: "ResponseTimeSeverities");

            migrationBuilder.DropTable(
                name: "ResponseTimeTotals");
        }
    }
}
