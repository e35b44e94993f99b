using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Units;

public abstract class UnitImportTests(CampaignApp app)
{
    private const string Header = "authority,authority_name_vi,authority_name_en,code,name_vi,name_en,category,flags,head_name,head_email";

    private async Task<int> CountUnitsAsync(string authority)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Units.CountAsync(u => u.Authority!.Code == authority);
    }

    [Fact]
    public async Task The_Hanoi_demo_file_imports_17_departments_and_126_communes_and_8_former_wards()
    {
        var client = await app.LoginAsAdminAsync();
        var response = await client.PostAsync("/api/units/import", Multipart.File("hanoi-demo.csv", await File.ReadAllBytesAsync(RepositoryFiles.Data("units", "hanoi-demo.csv"))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var departments = await client.GetFromJsonAsync<JsonElement[]>("/api/units?authority=HN&category=department");
        var communes = await client.GetFromJsonAsync<JsonElement[]>("/api/units?authority=HN&category=commune");
        var digitalEconomy = await client.GetFromJsonAsync<JsonElement[]>("/api/units?authority=HN&flag=digital-economy");
        Assert.Equal(17, departments!.Length);
        Assert.Equal(126, communes!.Count(u => u.GetProperty("isActive").GetBoolean()));
        // The former wards of a few merged ones, kept (inactive) for the year-over-year comparison.
        Assert.Equal(8, communes!.Count(u => !u.GetProperty("isActive").GetBoolean()));
        Assert.Equal(8, digitalEconomy!.Length);
        Assert.All(digitalEconomy, u => Assert.Equal("department", u.GetProperty("category").GetString()));

        // Importing the same file again updates in place.
        var again = await client.PostAsync("/api/units/import", Multipart.File("hanoi-demo.csv", await File.ReadAllBytesAsync(RepositoryFiles.Data("units", "hanoi-demo.csv"))));
        var summary = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, summary.GetProperty("created").GetInt32());
        Assert.Equal(151, summary.GetProperty("updated").GetInt32());
        Assert.Equal(151, await CountUnitsAsync("HN"));
    }

    [Fact]
    public async Task Names_typed_decomposed_are_stored_precomposed()
    {
        var client = await app.LoginAsAdminAsync();
        const string Name = "Sở Khoa học và Công nghệ Hà Nội", Head = "Nguyễn Thị Ngọc Diệp";
        var nfd = (Name.Normalize(System.Text.NormalizationForm.FormD), Head.Normalize(System.Text.NormalizationForm.FormD));
        Assert.NotEqual(Name, nfd.Item1);
        var csv = string.Join('\n', Header, $"NFC,Tỉnh Chuẩn hoá,Normalised Province,SKHCN,{nfd.Item1},Department of Science,department,,{nfd.Item2},diep@example.vn");

        var response = await client.PostAsync("/api/units/import", Multipart.File("nfd-units.csv", csv));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var unit = Assert.Single((await client.GetFromJsonAsync<JsonElement[]>("/api/units?authority=NFC"))!);
        Assert.Equal(Name, unit.GetProperty("nameVi").GetString());
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        var stored = await db.Units.Include(u => u.Contacts).SingleAsync(u => u.Authority!.Code == "NFC");
        Assert.Equal(Name, stored.NameVi);
        Assert.Equal(Head, Assert.Single(stored.Contacts).FullName);
        Assert.Equal("Tỉnh Chuẩn hoá", (await db.Authorities.SingleAsync(a => a.Code == "NFC")).NameVi);

        // A unit already stored and renamed by a second import (a tracked entity changed by its setters) is stored precomposed too.
        const string Renamed = "Sở Khoa học, Công nghệ và Đổi mới sáng tạo Hà Nội";
        var unquoted = string.Join('\n', Header, $"NFC,,,SKHCN,{Renamed.Normalize(System.Text.NormalizationForm.FormD)},Department of Science,department,,,");
        // Unquoted, the comma in the name would shift the columns: the row is refused, saying why, and nothing changes.
        var refused = await client.PostAsync("/api/units/import", Multipart.File("nfd-rename.csv", unquoted));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("dòng có 11 ô, dòng tiêu đề có 10 (giá trị chứa dấu phẩy phải đặt trong dấu ngoặc kép)", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var rename = string.Join('\n', Header, $"NFC,,,SKHCN,\"{Renamed.Normalize(System.Text.NormalizationForm.FormD)}\",Department of Science,department,,,");
        var renamed = await client.PostAsync("/api/units/import", Multipart.File("nfd-rename.csv", rename));
        Assert.True(renamed.StatusCode == HttpStatusCode.OK, await renamed.Content.ReadAsStringAsync());
        await using var after = app.Services.CreateAsyncScope();
        Assert.Equal(Renamed, (await after.ServiceProvider.GetRequiredService<CampaignDbContext>().Units.SingleAsync(u => u.Authority!.Code == "NFC")).NameVi);
    }

    [Fact]
    public async Task A_file_with_bad_rows_is_refused_whole_naming_each_row_and_field_in_the_callers_language()
    {
        var client = await app.LoginAsAdminAsync();
        var csv = string.Join('\n',
            Header,
            "BAD,Tỉnh Thử,Test Province,S1,Sở Một,Department One,department,digital-economy,Ông A,a@example.vn",
            "BAD,,,S2,Sở Hai,Department Two,sở,,Ông B,b@example.vn",
            "BAD,,,S3,Sở Ba,Department Three,commune,digital-economy,Ông C,not-an-email",
            "BAD,,,S1,Sở Một lặp,Duplicate,department,,,",
            "BAD,,,S4,Phường Hạnh Phúc 😀,Ward Four,commune,,Bà 田,d@example.vn");

        async Task<(JsonElement Problem, List<string> Problems)> RefusedAsync(string language)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/units/import") { Content = Multipart.File("bad-units.csv", csv) };
            request.Headers.AcceptLanguage.ParseAdd(language);
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("file.rejected", problem.GetProperty("code").GetString());
            return (problem, problem.GetProperty("problems").EnumerateArray()
                .Select(p => $"{p.GetProperty("line").GetInt32()} {p.GetProperty("field").GetString()} {p.GetProperty("code").GetString()}: {p.GetProperty("message").GetString()}").ToList());
        }

        var (vi, problems) = await RefusedAsync("vi");
        Assert.Equal("Giá trị không hợp lệ", vi.GetProperty("title").GetString());
        Assert.Equal("6 lỗi trong bad-units.csv; không có gì được lưu. Lỗi đầu tiên: bad-units.csv, dòng 3, category: " +
            "loại đơn vị 'sở' không tồn tại (các loại hiện có: department, district, commune, province)", vi.GetProperty("detail").GetString());
        // In the file's order, as the clerk reads it (the duplicate is found by a later check than the rows after it).
        Assert.Equal([
            "3 category units.unknown-category: loại đơn vị 'sở' không tồn tại (các loại hiện có: department, district, commune, province)",
            "4 flags units.category-without-flags: thuộc tính 'digital-economy' không được định nghĩa cho loại đơn vị 'commune' (loại này không có thuộc tính nào)",
            "4 head_email units.not-email: 'not-an-email' không phải là địa chỉ thư điện tử",
            "5 code units.duplicate: đơn vị 'S1' của cơ quan 'BAD' xuất hiện lần nữa (lần đầu ở dòng 2)",
            // Names print on notices and certificates: one the document font cannot draw is refused, naming the character.
            "6 name_vi units.unprintable-character: ký tự U+1F600 (😀) không in được: phông chữ của thông báo và bằng khen không có ký tự này",
            "6 head_name units.unprintable-character: ký tự U+7530 (田) không in được: phông chữ của thông báo và bằng khen không có ký tự này",
        ], problems);
        var duplicate = vi.GetProperty("problems")[3];
        Assert.Equal(("bad-units.csv", "S1", 2), (duplicate.GetProperty("file").GetString(), duplicate.GetProperty("parameters").GetProperty("code").GetString(),
            duplicate.GetProperty("parameters").GetProperty("first").GetInt32()));

        var (en, english) = await RefusedAsync("en");
        Assert.Equal("6 problem(s) in bad-units.csv; nothing was stored. First: bad-units.csv:3 category: " +
            "unknown category 'sở' (known: department, district, commune, province)", en.GetProperty("detail").GetString());
        Assert.Contains("4 head_email units.not-email: 'not-an-email' is not an e-mail address", english);
        Assert.Contains("5 code units.duplicate: unit 'S1' of authority 'BAD' appears again (first at row 2)", english);
        Assert.Equal(problems.Select(p => p[..p.IndexOf(':', StringComparison.Ordinal)]), english.Select(p => p[..p.IndexOf(':', StringComparison.Ordinal)]));
        Assert.Equal(0, await CountUnitsAsync("BAD"));
    }

    [Fact]
    public async Task The_admin_import_page_lists_each_problem_in_the_page_s_language()
    {
        var client = await app.LoginAsAdminAsync();
        // A second administrator who reads English: signing in sets the page language to the account's.
        var email = $"admin.en.{Guid.NewGuid():N}"[..20] + "@test.local";
        await app.CreateUserAsync(email, "English-Admin-Password-1", Roles.CampaignAdmin);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            user.Language = "en";
            await users.UpdateAsync(user);
        }
        var english = await app.LoginAsync(email, "English-Admin-Password-1");

        async Task<string> UploadAsync(HttpClient client)
        {
            var page = await client.GetStringAsync("/admin/imports");
            var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
            var content = Multipart.File("don-vi.csv", Header + "\nPG,Tỉnh Trang,Page Province,S1,Sở Một,Department One,planet,,Ông A,not-an-email\n");
            content.Add(new StringContent(token), "__RequestVerificationToken");
            var response = await client.PostAsync("/admin/imports?handler=Units", content);
            var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, html);
            return html;
        }

        var vi = await UploadAsync(client);
        Assert.Contains("<td>category</td><td>loại đơn vị 'planet' không tồn tại (các loại hiện có: department, district, commune, province)</td>", vi, StringComparison.Ordinal);
        Assert.Contains("<td>head_email</td><td>'not-an-email' không phải là địa chỉ thư điện tử</td>", vi, StringComparison.Ordinal);
        Assert.DoesNotContain("is not an e-mail address", vi, StringComparison.Ordinal);
        var en = await UploadAsync(english);
        Assert.Contains("<td>head_email</td><td>'not-an-email' is not an e-mail address</td>", en, StringComparison.Ordinal);
        Assert.Equal(0, await CountUnitsAsync("PG"));
    }

    [Fact]
    public async Task A_file_missing_a_required_column_or_of_an_unknown_type_is_refused()
    {
        var client = await app.LoginAsAdminAsync();
        var missing = await client.PostAsync("/api/units/import", Multipart.File("units.csv", "authority,code,name_vi\nX,1,A"));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("thiếu cột 'name_en' (các cột bắt buộc: authority, code, name_vi, name_en, category)", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var pdf = await client.PostAsync("/api/units/import", Multipart.File("units.pdf", "%PDF-1.4"));
        Assert.Equal(HttpStatusCode.BadRequest, pdf.StatusCode);
        Assert.Contains("units.pdf, file: loại tệp không được hỗ trợ; các loại được nhận: .csv (UTF-8), .xlsx", await pdf.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Excel_sheet_imports_like_a_CSV_and_its_bad_rows_are_named()
    {
        var client = await app.LoginAsAdminAsync();
        static byte[] Workbook(params object[] rows)
        {
            using var stream = new MemoryStream();
            MiniExcelLibs.MiniExcel.SaveAs(stream, rows);
            return stream.ToArray();
        }
        var good = Workbook(
            new { authority = "XL", authority_name_vi = "Tỉnh Excel", authority_name_en = "Excel Province", code = "S1", name_vi = "Sở Một", name_en = "Department One", category = "department", flags = "digital-economy" },
            new { authority = "XL", authority_name_vi = "", authority_name_en = "", code = "X1", name_vi = "UBND xã Một", name_en = "Commune One", category = "commune", flags = "" });
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/units/import", Multipart.File("units.xlsx", good))).StatusCode);
        Assert.Equal(2, await CountUnitsAsync("XL"));

        var bad = Workbook(new { authority = "XL", authority_name_vi = "", authority_name_en = "", code = "X2", name_vi = "", name_en = "Commune Two", category = "commune", flags = "" });
        var refused = await client.PostAsync("/api/units/import", Multipart.File("bad.xlsx", bad));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("bad.xlsx, dòng 2, name_vi: không được để trống", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await CountUnitsAsync("XL"));
    }

    [Fact]
    public async Task The_units_import_command_prints_each_problem_and_exits_non_zero()
    {
        var file = Path.Combine(Path.GetTempPath(), $"units-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, Header + "\nCLI,Tỉnh,Province,S1,Sở,Dept,planet,,,\n");
        try
        {
            var (exit, _, error) = await app.RunCliAsync("units", "import", file);
            Assert.Equal(1, exit);
            Assert.Contains($"{Path.GetFileName(file)}:2 category: unknown category 'planet'", error, StringComparison.Ordinal);
            Assert.Equal(0, await CountUnitsAsync("CLI"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}

public sealed class UnitImportTests_Postgres(PostgresApp app) : UnitImportTests(app), IClassFixture<PostgresApp>;

public sealed class UnitImportTests_Sqlite(SqliteApp app) : UnitImportTests(app), IClassFixture<SqliteApp>;
