using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dtx.Campaign.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HeadApproval : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "PreparedAt",
                table: "participants",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PreparedBy",
                table: "participants",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SentBackAt",
                table: "participants",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SentBackBy",
                table: "participants",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SentBackNote",
                table: "participants",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "HeadApproval",
                table: "campaigns",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PreparedAt",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "PreparedBy",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "SentBackAt",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "SentBackBy",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "SentBackNote",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "HeadApproval",
                table: "campaigns");
        }
    }
}
