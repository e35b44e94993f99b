using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dtx.Campaign.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ProvinceLineageAndApprovalRecords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Population",
                table: "units",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "approval_records",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CampaignId = table.Column<Guid>(type: "uuid", nullable: false),
                    Stage = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Checksum = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Snapshot = table.Column<string>(type: "text", nullable: false),
                    ApprovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ApprovedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Comment = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_approval_records", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "unit_predecessors",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UnitId = table.Column<Guid>(type: "uuid", nullable: false),
                    PredecessorId = table.Column<Guid>(type: "uuid", nullable: false),
                    EffectiveOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Share = table.Column<decimal>(type: "numeric(9,6)", precision: 9, scale: 6, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_unit_predecessors", x => x.Id);
                    table.ForeignKey(
                        name: "FK_unit_predecessors_units_PredecessorId",
                        column: x => x.PredecessorId,
                        principalTable: "units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_unit_predecessors_units_UnitId",
                        column: x => x.UnitId,
                        principalTable: "units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_approval_records_CampaignId_Stage_ApprovedAt",
                table: "approval_records",
                columns: new[] { "CampaignId", "Stage", "ApprovedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_unit_predecessors_PredecessorId",
                table: "unit_predecessors",
                column: "PredecessorId");

            migrationBuilder.CreateIndex(
                name: "IX_unit_predecessors_UnitId_PredecessorId",
                table: "unit_predecessors",
                columns: new[] { "UnitId", "PredecessorId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "approval_records");

            migrationBuilder.DropTable(
                name: "unit_predecessors");

            migrationBuilder.DropColumn(
                name: "Population",
                table: "units");
        }
    }
}
