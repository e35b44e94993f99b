using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dtx.Campaign.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UnitResultRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "unit_result_rows",
                columns: table => new
                {
                    ResultSetId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UnitId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Result = table.Column<string>(type: "TEXT", nullable: false),
                    Checksum = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_unit_result_rows", x => new { x.ResultSetId, x.UnitId });
                    table.ForeignKey(
                        name: "FK_unit_result_rows_result_sets_ResultSetId",
                        column: x => x.ResultSetId,
                        principalTable: "result_sets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "unit_result_rows");
        }
    }
}
