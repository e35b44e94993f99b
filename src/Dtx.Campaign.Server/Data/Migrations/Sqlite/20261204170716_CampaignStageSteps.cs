using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dtx.Campaign.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CampaignStageSteps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ArchivedAt",
                table: "campaigns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DisputesClosedAt",
                table: "campaigns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DisputesOpenedAt",
                table: "campaigns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "EarlyClose",
                table: "campaigns",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "IndexPublishedAt",
                table: "campaigns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SelfAssessmentOpenedAt",
                table: "campaigns",
                type: "INTEGER",
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
