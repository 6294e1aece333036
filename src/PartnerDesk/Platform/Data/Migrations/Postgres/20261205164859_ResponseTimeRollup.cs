using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Month = table.Column<int>(type: "integer", nullable: false)
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
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Month = table.Column<int>(type: "integer", nullable: false),
                    BuiltAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RunningUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Month = table.Column<int>(type: "integer", nullable: false),
                    Severity = table.Column<int>(type: "integer", nullable: false),
                    Tickets = table.Column<int>(type: "integer", nullable: false),
                    FirstResponseWithTarget = table.Column<int>(type: "integer", nullable: false),
                    FirstResponseMet = table.Column<int>(type: "integer", nullable: false),
                    FirstResponseMissed = table.Column<int>(type: "integer", nullable: false),
                    ResolutionWithTarget = table.Column<int>(type: "integer", nullable: false),
                    ResolutionMet = table.Column<int>(type: "integer", nullable: false),
                    ResolutionMissed = table.Column<int>(type: "integer", nullable: false),
                    FirstResponses = table.Column<byte[]>(type: "bytea", nullable: false),
                    Resolutions = table.Column<byte[]>(type: "bytea", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Month = table.Column<int>(type: "integer", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: true),
                    TicketsA = table.Column<int>(type: "integer", nullable: false),
                    BreachedA = table.Column<int>(type: "integer", nullable: false),
                    FirstResponseMissedA = table.Column<int>(type: "integer", nullable: false),
                    ResolutionMissedA = table.Column<int>(type: "integer", nullable: false),
                    TicketsB = table.Column<int>(type: "integer", nullable: false),
                    BreachedB = table.Column<int>(type: "integer", nullable: false),
                    FirstResponseMissedB = table.Column<int>(type: "integer", nullable: false),
                    ResolutionMissedB = table.Column<int>(type: "integer", nullable: false),
                    TicketsC = table.Column<int>(type: "integer", nullable: false),
                    BreachedC = table.Column<int>(type: "integer", nullable: false),
                    FirstResponseMissedC = table.Column<int>(type: "integer", nullable: false),
                    ResolutionMissedC = table.Column<int>(type: "integer", nullable: false)
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
