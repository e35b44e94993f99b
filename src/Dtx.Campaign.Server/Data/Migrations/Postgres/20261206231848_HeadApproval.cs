using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dtx.Campaign.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class HeadApproval : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "PreparedAt",
                table: "participants",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PreparedBy",
                table: "participants",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "SentBackAt",
                table: "participants",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SentBackBy",
                table: "participants",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SentBackNote",
                table: "participants",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "HeadApproval",
                table: "campaigns",
                type: "boolean",
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
