using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Plans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CustomerWaitingSince",
                table: "Tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FirstRespondedAt",
                table: "Tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FirstResponseDueAt",
                table: "Tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FirstResponseWarnAt",
                table: "Tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "NextResponseDueAt",
                table: "Tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "NextResponseWarnAt",
                table: "Tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "PlanId",
                table: "Tickets",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ResolutionDueAt",
                table: "Tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ResolutionWarnAt",
                table: "Tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Revision",
                table: "Tickets",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "SlaBreached",
                table: "Tickets",
                type: "INTEGER",
                maxLength: 32,
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "SlaCheckAt",
                table: "Tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SlaDueAt",
                table: "Tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SlaState",
                table: "Tickets",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "None");

            migrationBuilder.AddColumn<int>(
                name: "SlaWarned",
                table: "Tickets",
                type: "INTEGER",
                maxLength: 32,
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "TimeZoneId",
                table: "Customers",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AgentAlerts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TicketId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReadAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgentAlerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AgentAlerts_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AgentAlerts_Tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "Tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

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
                    RoutedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ProviderStatusAt = table.Column<long>(type: "INTEGER", nullable: true)
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

            migrationBuilder.CreateTable(
                name: "SlaBreaches",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TicketId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Target = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    NoticedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlaBreaches", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SlaBreaches_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SlaBreaches_Tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "Tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Statements",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ContractId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PlanName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Month = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Total = table.Column<decimal>(type: "TEXT", precision: 14, scale: 2, nullable: false),
                    ProviderCost = table.Column<decimal>(type: "TEXT", precision: 14, scale: 2, nullable: false),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClosedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Statements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Statements_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SupportPlans",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Delivery = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ProviderOrganisationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ProviderName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CoveredServices = table.Column<string>(type: "TEXT", nullable: false),
                    CalendarId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PauseWhileEscalated = table.Column<bool>(type: "INTEGER", nullable: false),
                    PortalEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    SupportEmail = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    MonthlyFee = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                    PerSeatFee = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                    IncludedHours = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                    HourlyRate = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                    PerIncidentFee = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                    PrepaidBlockHours = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                    PrepaidBlockPrice = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                    ProviderMonthlyFee = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                    ProviderHourlyRate = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                    ProviderPerIncidentFee = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupportPlans", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SupportPlans_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SupportPlans_Organisations_ProviderOrganisationId",
                        column: x => x.ProviderOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SupportPlans_SupportCalendar_CalendarId",
                        column: x => x.CalendarId,
                        principalTable: "SupportCalendar",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "StatementLine",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StatementId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Quantity = table.Column<decimal>(type: "TEXT", precision: 14, scale: 4, nullable: false),
                    UnitPrice = table.Column<decimal>(type: "TEXT", precision: 14, scale: 4, nullable: false),
                    Amount = table.Column<decimal>(type: "TEXT", precision: 14, scale: 2, nullable: false),
                    Cost = table.Column<decimal>(type: "TEXT", precision: 14, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatementLine", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StatementLine_Statements_StatementId",
                        column: x => x.StatementId,
                        principalTable: "Statements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TimeEntries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TicketId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Minutes = table.Column<int>(type: "INTEGER", nullable: false),
                    Billable = table.Column<bool>(type: "INTEGER", nullable: false),
                    ByProvider = table.Column<bool>(type: "INTEGER", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    WorkedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    RunningSince = table.Column<long>(type: "INTEGER", nullable: true),
                    StatementId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TimeEntries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TimeEntries_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_TimeEntries_Statements_StatementId",
                        column: x => x.StatementId,
                        principalTable: "Statements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_TimeEntries_Tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "Tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PlanPhoneLine",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    AroundTheClock = table.Column<bool>(type: "INTEGER", nullable: false),
                    SeverityAOnly = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanPhoneLine", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PlanPhoneLine_SupportPlans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "SupportPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PlanRoutingRule",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OutsideServiceHours = table.Column<bool>(type: "INTEGER", nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Service = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanRoutingRule", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PlanRoutingRule_SupportPlans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "SupportPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PlanSlaTarget",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    FirstResponseMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    NextResponseMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    ResolutionMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    AroundTheClock = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanSlaTarget", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PlanSlaTarget_SupportPlans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "SupportPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SupportContracts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    EndsOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Seats = table.Column<int>(type: "INTEGER", nullable: false),
                    MonthlyFee = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: true),
                    PerSeatFee = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: true),
                    IncludedHours = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: true),
                    HourlyRate = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: true),
                    PerIncidentFee = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: true),
                    PrepaidHours = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupportContracts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SupportContracts_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SupportContracts_SupportPlans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "SupportPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_Active_SlaDueAt",
                table: "Tickets",
                columns: new[] { "OrganisationId", "SlaDueAt", "Number" },
                filter: "\"Status\" IN ('New', 'Open', 'PendingCustomer', 'Escalated')");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_PlanId",
                table: "Tickets",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_SlaCheckAt",
                table: "Tickets",
                column: "SlaCheckAt",
                filter: "\"SlaCheckAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_AgentAlerts_CustomerId",
                table: "AgentAlerts",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_AgentAlerts_OrganisationId_CreatedAt",
                table: "AgentAlerts",
                columns: new[] { "OrganisationId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AgentAlerts_TicketId",
                table: "AgentAlerts",
                column: "TicketId");

            migrationBuilder.CreateIndex(
                name: "IX_AgentAlerts_Unseen",
                table: "AgentAlerts",
                columns: new[] { "OrganisationId", "CreatedAt" },
                filter: "\"ReadAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerLinks_PartnerTicketId",
                table: "PartnerLinks",
                column: "PartnerTicketId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PlanPhoneLine_PlanId",
                table: "PlanPhoneLine",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_PlanRoutingRule_PlanId",
                table: "PlanRoutingRule",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_PlanSlaTarget_PlanId_Severity",
                table: "PlanSlaTarget",
                columns: new[] { "PlanId", "Severity" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SlaBreaches_CustomerId",
                table: "SlaBreaches",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_SlaBreaches_OrganisationId_CustomerId_DueAt",
                table: "SlaBreaches",
                columns: new[] { "OrganisationId", "CustomerId", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SlaBreaches_TicketId",
                table: "SlaBreaches",
                column: "TicketId");

            migrationBuilder.CreateIndex(
                name: "IX_StatementLine_StatementId",
                table: "StatementLine",
                column: "StatementId");

            migrationBuilder.CreateIndex(
                name: "IX_Statements_CustomerId_Month",
                table: "Statements",
                columns: new[] { "CustomerId", "Month" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SupportContracts_CustomerId_StartsOn",
                table: "SupportContracts",
                columns: new[] { "CustomerId", "StartsOn" });

            migrationBuilder.CreateIndex(
                name: "IX_SupportContracts_PlanId",
                table: "SupportContracts",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_SupportPlans_CalendarId",
                table: "SupportPlans",
                column: "CalendarId");

            migrationBuilder.CreateIndex(
                name: "IX_SupportPlans_OrganisationId_Name",
                table: "SupportPlans",
                columns: new[] { "OrganisationId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SupportPlans_ProviderOrganisationId",
                table: "SupportPlans",
                column: "ProviderOrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_TimeEntries_CustomerId",
                table: "TimeEntries",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_TimeEntries_OrganisationId_CustomerId_WorkedOn",
                table: "TimeEntries",
                columns: new[] { "OrganisationId", "CustomerId", "WorkedOn" });

            migrationBuilder.CreateIndex(
                name: "IX_TimeEntries_RunningTimer",
                table: "TimeEntries",
                column: "AgentId",
                unique: true,
                filter: "\"RunningSince\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_TimeEntries_StatementId",
                table: "TimeEntries",
                column: "StatementId");

            migrationBuilder.CreateIndex(
                name: "IX_TimeEntries_TicketId_CreatedAt",
                table: "TimeEntries",
                columns: new[] { "TicketId", "CreatedAt" });

            migrationBuilder.AddForeignKey(
                name: "FK_Tickets_SupportPlans_PlanId",
                table: "Tickets",
                column: "PlanId",
                principalTable: "SupportPlans",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Tickets_SupportPlans_PlanId",
                table: "Tickets");

            migrationBuilder.DropTable(
                name: "AgentAlerts");

            migrationBuilder.DropTable(
                name: "PartnerLinks");

            migrationBuilder.DropTable(
                name: "PlanPhoneLine");

            migrationBuilder.DropTable(
                name: "PlanRoutingRule");

            migrationBuilder.DropTable(
                name: "PlanSlaTarget");

            migrationBuilder.DropTable(
                name: "ProviderHandovers");

            migrationBuilder.DropTable(
                name: "SlaBreaches");

            migrationBuilder.DropTable(
                name: "StatementLine");

            migrationBuilder.DropTable(
                name: "SupportContracts");

            migrationBuilder.DropTable(
                name: "TimeEntries");

            migrationBuilder.DropTable(
                name: "SupportPlans");

            migrationBuilder.DropTable(
                name: "Statements");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_Active_SlaDueAt",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_PlanId",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_SlaCheckAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "CustomerWaitingSince",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "FirstRespondedAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "FirstResponseDueAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "FirstResponseWarnAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "NextResponseDueAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "NextResponseWarnAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "PlanId",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "ResolutionDueAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "ResolutionWarnAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "Revision",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "SlaBreached",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "SlaCheckAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "SlaDueAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "SlaState",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "SlaWarned",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "TimeZoneId",
                table: "Customers");
        }
    }
}
