using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerDesk.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ServiceHealth : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CustomerServiceStatuses",
                columns: table => new
                {
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Service = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerServiceStatuses", x => new { x.CustomerId, x.Service });
                    table.ForeignKey(
                        name: "FK_CustomerServiceStatuses_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "HealthSyncStates",
                columns: table => new
                {
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IssuesWatermark = table.Column<long>(type: "INTEGER", nullable: true),
                    MessagesWatermark = table.Column<long>(type: "INTEGER", nullable: true),
                    LastAttemptAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastSuccessAt = table.Column<long>(type: "INTEGER", nullable: true),
                    NextDueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    FailingSince = table.Column<long>(type: "INTEGER", nullable: true),
                    ConsecutiveFailures = table.Column<int>(type: "INTEGER", nullable: false),
                    Warnings = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HealthSyncStates", x => x.CustomerId);
                    table.ForeignKey(
                        name: "FK_HealthSyncStates_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "JobLeases",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Holder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JobLeases", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "MessageCenterPosts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MicrosoftId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Services = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Tags = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    IsMajorChange = table.Column<bool>(type: "INTEGER", nullable: false),
                    ActionRequiredBy = table.Column<long>(type: "INTEGER", nullable: true),
                    StartDateTime = table.Column<long>(type: "INTEGER", nullable: false),
                    EndDateTime = table.Column<long>(type: "INTEGER", nullable: true),
                    LastModifiedDateTime = table.Column<long>(type: "INTEGER", nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MessageCenterPosts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MessageCenterPosts_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Notifications",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ContactId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TicketId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReadAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Notifications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Notifications_Contacts_ContactId",
                        column: x => x.ContactId,
                        principalTable: "Contacts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ServiceHealthIssues",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MicrosoftId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Service = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Feature = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    FeatureGroup = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ImpactDescription = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Classification = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    IsResolved = table.Column<bool>(type: "INTEGER", nullable: false),
                    StartDateTime = table.Column<long>(type: "INTEGER", nullable: false),
                    EndDateTime = table.Column<long>(type: "INTEGER", nullable: true),
                    LastModifiedDateTime = table.Column<long>(type: "INTEGER", nullable: false),
                    LatestPostAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FirstSeenAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServiceHealthIssues", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ServiceHealthIssues_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "MessageCenterRecipients",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MessageCenterRecipients", x => new { x.MessageId, x.CustomerId });
                    table.ForeignKey(
                        name: "FK_MessageCenterRecipients_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_MessageCenterRecipients_MessageCenterPosts_MessageId",
                        column: x => x.MessageId,
                        principalTable: "MessageCenterPosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AffectedCustomers",
                columns: table => new
                {
                    IssueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirstSeenAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AffectedCustomers", x => new { x.IssueId, x.CustomerId });
                    table.ForeignKey(
                        name: "FK_AffectedCustomers_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AffectedCustomers_ServiceHealthIssues_IssueId",
                        column: x => x.IssueId,
                        principalTable: "ServiceHealthIssues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ServiceHealthPosts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IssueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedDateTime = table.Column<long>(type: "INTEGER", nullable: false),
                    PostType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServiceHealthPosts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ServiceHealthPosts_ServiceHealthIssues_IssueId",
                        column: x => x.IssueId,
                        principalTable: "ServiceHealthIssues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TicketIssueLinks",
                columns: table => new
                {
                    TicketId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IssueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Score = table.Column<double>(type: "REAL", nullable: false),
                    LinkedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LinkedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TicketIssueLinks", x => new { x.TicketId, x.IssueId });
                    table.ForeignKey(
                        name: "FK_TicketIssueLinks_ServiceHealthIssues_IssueId",
                        column: x => x.IssueId,
                        principalTable: "ServiceHealthIssues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_TicketIssueLinks_Tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "Tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AffectedCustomers_CustomerId",
                table: "AffectedCustomers",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_CustomerServiceStatuses_OrganisationId_Status",
                table: "CustomerServiceStatuses",
                columns: new[] { "OrganisationId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_HealthSyncStates_NextDueAt",
                table: "HealthSyncStates",
                column: "NextDueAt");

            migrationBuilder.CreateIndex(
                name: "IX_MessageCenterPosts_OrganisationId_MicrosoftId",
                table: "MessageCenterPosts",
                columns: new[] { "OrganisationId", "MicrosoftId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MessageCenterRecipients_CustomerId",
                table: "MessageCenterRecipients",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_ContactId_CreatedAt",
                table: "Notifications",
                columns: new[] { "ContactId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ServiceHealthIssues_OrganisationId_IsResolved_LastModifiedDateTime",
                table: "ServiceHealthIssues",
                columns: new[] { "OrganisationId", "IsResolved", "LastModifiedDateTime" });

            migrationBuilder.CreateIndex(
                name: "IX_ServiceHealthIssues_OrganisationId_MicrosoftId",
                table: "ServiceHealthIssues",
                columns: new[] { "OrganisationId", "MicrosoftId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ServiceHealthPosts_IssueId_CreatedDateTime",
                table: "ServiceHealthPosts",
                columns: new[] { "IssueId", "CreatedDateTime" });

            migrationBuilder.CreateIndex(
                name: "IX_TicketIssueLinks_IssueId_State",
                table: "TicketIssueLinks",
                columns: new[] { "IssueId", "State" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AffectedCustomers");

            migrationBuilder.DropTable(
                name: "CustomerServiceStatuses");

            migrationBuilder.DropTable(
                name: "HealthSyncStates");

            migrationBuilder.DropTable(
                name: "JobLeases");

            migrationBuilder.DropTable(
                name: "MessageCenterRecipients");

            migrationBuilder.DropTable(
                name: "Notifications");

            migrationBuilder.DropTable(
                name: "ServiceHealthPosts");

            migrationBuilder.DropTable(
                name: "TicketIssueLinks");

            migrationBuilder.DropTable(
                name: "MessageCenterPosts");

            migrationBuilder.DropTable(
                name: "ServiceHealthIssues");
        }
    }
}
