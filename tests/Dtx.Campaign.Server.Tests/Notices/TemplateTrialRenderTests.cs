using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Notices;

/// <summary>
/// A template version is saved only after it renders every sample notice inside the sandbox limits, and only when the
/// PDF font can draw every character its HTML writes or renders (else they would print as empty boxes).
/// </summary>
public abstract class TemplateTrialRenderTests(CampaignApp app)
{
    [Fact]
    public async Task An_endless_loop_is_refused_with_line_and_column_and_nothing_is_stored()
    {
        var admin = await app.LoginAsAdminAsync();
        const string reminder = "notices/deadline-reminder.vi.html";
        var before = (await admin.GetFromJsonAsync<JsonElement>($"/api/templates/{reminder}")).GetProperty("versions").GetArrayLength();

        var refused = await admin.PutAsJsonAsync($"/api/templates/{reminder}", new { content = "<p>Kính gửi</p>\n{{ while true; x = 1; end }}" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var error = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        Assert.Equal((2, reminder), (error.GetProperty("line").GetInt32(), error.GetProperty("template").GetString()));
        Assert.True(error.GetProperty("column").GetInt32() >= 1);
        Assert.Contains("limit", error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, (await admin.GetFromJsonAsync<JsonElement>($"/api/templates/{reminder}")).GetProperty("versions").GetArrayLength());

        // A template that renders is still saved.
        var current = (await admin.GetFromJsonAsync<JsonElement>($"/api/templates/{reminder}")).GetProperty("content").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/templates/{reminder}", new { content = current + "\n" })).StatusCode);
    }

    [Fact]
    public async Task A_character_the_document_font_cannot_draw_is_refused_where_it_stands()
    {
        var admin = await app.LoginAsAdminAsync();
        const string closed = "notices/deadline-closed.vi.html";
        var before = (await admin.GetFromJsonAsync<JsonElement>($"/api/templates/{closed}")).GetProperty("versions").GetArrayLength();

        // Written in the template: line and column of the character (Vietnamese letters, dashes and quotes are drawable).
        var written = await admin.PutAsJsonAsync($"/api/templates/{closed}", new { content = "<p>Kính gửi “Ủy ban” – Hội đồng</p>\n<p>Hạn chót 😀 đã qua</p>" });
        Assert.Equal(HttpStatusCode.BadRequest, written.StatusCode);
        var error = (await written.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        Assert.Equal((2, 13), (error.GetProperty("line").GetInt32(), error.GetProperty("column").GetInt32()));
        Assert.Contains("U+1F600", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("không có trong phông chữ", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Made by an expression: found in the rendered sample.
        var rendered = await admin.PutAsJsonAsync($"/api/templates/{closed}", new { content = "<p>{{ \"\\u4E2D\" }}</p>" });
        Assert.Equal(HttpStatusCode.BadRequest, rendered.StatusCode);
        Assert.Contains("U+4E2D", await rendered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, (await admin.GetFromJsonAsync<JsonElement>($"/api/templates/{closed}")).GetProperty("versions").GetArrayLength());
    }
}

public sealed class TemplateTrialRenderTests_Postgres(PostgresApp app) : TemplateTrialRenderTests(app), IClassFixture<PostgresApp>;

public sealed class TemplateTrialRenderTests_Sqlite(SqliteApp app) : TemplateTrialRenderTests(app), IClassFixture<SqliteApp>;
