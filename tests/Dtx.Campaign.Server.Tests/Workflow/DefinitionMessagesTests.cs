using System.Text.Json;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Workflow;

/// <summary>
/// Issue 22, case 5: every message the campaign's definition names (each send-notice and send-reminder,
/// by template and audience: units, council, chair, administrators, the public) reaches the SMTP server.
/// A two-unit campaign is driven from launch to archive; gates are approved by the chair's actor directly.
/// </summary>
public abstract class DefinitionMessagesTests(CampaignApp app)
{
    private const string Units = """
        authority,authority_name_vi,authority_name_en,authority_place,code,name_vi,name_en,category,flags,active,demo,head_name,head_email,focal_name,focal_email,focal_phone
        HN,UBND Thành phố Hà Nội,Hanoi People's Committee,Hà Nội,SNV,Sở Nội vụ,Department of Home Affairs,department,,1,1,Giám đốc Sở Nội vụ,giamdoc.snv@demo.hanoi.invalid,Cán bộ đầu mối SNV,daumoi.snv@demo.hanoi.invalid,0243000001
        HN,,,,P-HOAN-KIEM,UBND phường Hoàn Kiếm,Hoàn Kiếm Ward People's Committee,commune,,1,1,Chủ tịch UBND phường Hoàn Kiếm,chutich.p-hoan-kiem@demo.hanoi.invalid,Cán bộ đầu mối phường Hoàn Kiếm,daumoi.p-hoan-kiem@demo.hanoi.invalid,0912000000
        """;

    [Fact]
    public async Task Case5_every_notice_and_reminder_of_the_definition_reaches_the_smtp_server()
    {
        var admin = await app.LoginAsAdminAsync();
        (await admin.PostAsync("/api/units/import", Multipart.File("two-units.csv", Units))).EnsureSuccessStatusCode();
        var city = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"dm-city-{Guid.NewGuid():N}"[..20], "department"));
        var commune = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"dm-com-{Guid.NewGuid():N}"[..20], "commune"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = city, ["commune"] = commune });

        Guid instanceId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            instanceId = (await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Campaigns.SingleAsync(c => c.Id == campaign)).WorkflowInstanceId!.Value;
        }

        var chair = WorkflowActor.User(TestCampaigns.ChairEmail, "council-chair");
        for (var step = 0; step < 200; step++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var runtime = scope.ServiceProvider.GetRequiredService<WorkflowRuntime>();
            var state = (await runtime.GetStateAsync(instanceId))!;
            if (state.Instance.Status == WorkflowStatus.Finished)
                break;
            Assert.Null(state.Instance.Incident);
            if (state.Pending.FirstOrDefault(b => b.Kind == BookmarkKind.Timer) is { DueUtc: { } due })
            {
                app.Clock.SetUtcNow(new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc)));
                await app.FireDueTimersAsync();
            }
            else
            {
                Assert.Equal(ResumeResult.Resumed, await runtime.ApproveAsync(instanceId, state.Instance.CurrentStage, chair));
            }
        }

        await app.DeliverMailAsync();

        await using var check = app.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<CampaignDbContext>();
        var instance = await db.Set<WorkflowInstance>().SingleAsync(i => i.Id == instanceId);
        Assert.Equal(WorkflowStatus.Finished, instance.Status);
        var outbox = await db.Set<OutboxMessage>().Where(m => m.InstanceId == instanceId).ToListAsync();
        Assert.DoesNotContain(outbox, m => m.Status != OutboxStatus.Sent);
        var received = app.Smtp!.Messages().Select(m => m.Headers["X-Dtx-Idempotency-Key"]).ToHashSet(StringComparer.Ordinal);
        var emails = outbox.Where(m => m.Kind == "email")
            .Select(m => (Key: m.IdempotencyKey, Payload: JsonDocument.Parse(m.PayloadJson).RootElement)).ToList();

        var definition = check.ServiceProvider.GetRequiredService<IWorkflowDefinitionStore>().Find(instance.DefinitionKey, instance.DefinitionVersion)!;
        var named = definition.Stages
            .SelectMany(s => s.OnEnter.Concat(s.Timers.Where(t => t.Activity is not null).Select(t => t.Activity!)))
            .Where(a => a.Activity is "send-notice" or "send-reminder")
            .Select(a => (Template: a.Parameter("template")!, Audience: a.Parameter("audience") ?? "all-units"))
            .Distinct().ToList();
        Assert.Contains(named, n => n.Audience == "public");
        Assert.Contains(named, n => n.Audience == "campaign-admins");
        // The council's deadline reminder (annual-campaign v4 writes to every member) and the dispute deadline's to every unit.
        Assert.Contains(named, n => n.Template == "verification-closing" && n.Audience == "council-members");
        Assert.Contains(named, n => n.Template == "disputes-closing" && n.Audience == "all-units");
        foreach (var (template, audience) in named)
        {
            var matching = emails.Where(e => e.Payload.GetProperty("template").GetString() is { } t
                && (t == template || t == $"{template} ({audience})")
                && (!e.Payload.TryGetProperty("audience", out var a) || a.GetString() == audience || audience == "units-not-submitted")).ToList();
            Assert.True(matching.Count > 0, $"no e-mail for {template} → {audience}");
            Assert.All(matching, e => Assert.Contains(e.Key, received));
        }
    }
}

public sealed class DefinitionMessagesTests_Postgres(PostgresMailApp app) : DefinitionMessagesTests(app), IClassFixture<PostgresMailApp>;

public sealed class DefinitionMessagesTests_Sqlite(SqliteMailApp app) : DefinitionMessagesTests(app), IClassFixture<SqliteMailApp>;
