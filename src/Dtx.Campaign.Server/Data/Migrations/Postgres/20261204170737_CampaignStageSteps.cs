using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dtx.Campaign.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CampaignStageSteps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ArchivedAt",
                table: "campaigns",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DisputesClosedAt",
                table: "campaigns",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DisputesOpenedAt",
                table: "campaigns",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "EarlyClose",
                table: "campaigns",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "IndexPublishedAt",
                table: "campaigns",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "SelfAssessmentOpenedAt",
                table: "campaigns",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ArchivedAt",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "DisputesClosedAt",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "DisputesOpenedAt",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "EarlyClose",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "IndexPublishedAt",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "SelfAssessmentOpenedAt",
                table: "campaigns");
        }
    }
}
