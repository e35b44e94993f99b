using System.CommandLine;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Server.Imports;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.Samples;
using Dtx.Campaign.Server.Units;
using Dtx.Campaign.Workflows.Definitions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Cli;

/// <summary>
/// Administration subcommands of the server executable (<c>dtx-campaign migrate</c>, <c>seed-demo</c>, …).
/// They use the same configuration as the server. Exit codes: 0 done, 1 refused input, 2 usage error.
/// </summary>
public static class AdminCli
{
    private static readonly string[] Commands = ["migrate", "seed-demo", "index-set", "units", "workflow", "audit", "results", "account", "document", "--help", "-h", "help"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    /// <summary>Runs a command with services built from the server's configuration.</summary>
    public static Task<int> RunAsync(string[] args) =>
        RunAsync(args, Console.Out, Console.Error, BuildServices);

    /// <summary>Runs a command; <paramref name="services"/> builds the services only when a command needs them.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<IServiceProvider> services)
    {
        var root = new RootCommand("Dtx.Campaign administration. Without a command, the executable runs the server.");
        root.Subcommands.Add(Migrate(services, output));
        root.Subcommands.Add(SeedDemo(services, output));
        root.Subcommands.Add(IndexSet(services, output, error));
        root.Subcommands.Add(Units(services, output, error));
        root.Subcommands.Add(Audit(services, output, error));
        root.Subcommands.Add(Results(services, output, error));
        root.Subcommands.Add(Identity.AccountCommands.Build(services, output, error));
        root.Subcommands.Add(Workflow(output, error));
        root.Subcommands.Add(Document(output, error));
        var parsed = root.Parse(args);
        using var actor = HttpAuditActor.Use("cli");
        // Exceptions reach Program, which turns a start-up precondition (database unreachable, bad setting) into one message and exit 1.
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    /// <summary>
    /// Resolves a relative path against the directory the user typed the command in. <c>dotnet run</c>
    /// starts the program in the project folder, but passes the shell's <c>PWD</c> through.
    /// </summary>
    private static FileInfo CallerPath(System.CommandLine.Parsing.ArgumentResult result)
    {
        var path = result.Tokens.Single().Value;
        var callerDirectory = Environment.GetEnvironmentVariable("PWD");
        return new FileInfo(Path.IsPathRooted(path) || string.IsNullOrEmpty(callerDirectory) ? path : Path.Combine(callerDirectory, path));
    }

    private static IServiceProvider BuildServices()
    {
        var builder = ServerHost.CreateBuilder([]);
        builder.AddCampaignServer();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        return builder.Build().Services;
    }

    private static Command Migrate(Func<IServiceProvider> services, TextWriter output)
    {
        var command = new Command("migrate", "Apply pending database migrations and create the roles and first administrator.");
        command.SetAction(async (_, ct) =>
        {
            await using var scope = services().CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            var provider = scope.ServiceProvider.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider;
            await DatabaseSetup.EnsureReachableAsync(db, provider, ct);
            var pending = await DatabaseSetup.PendingMigrationsAsync(db, provider, ct);
            await DatabaseSetup.MigrateAsync(db, provider, ct);
            output.WriteLine(pending.Count == 0 ? "The database is up to date." : $"Applied {pending.Count} migration(s): {string.Join(", ", pending)}");
            var created = await scope.ServiceProvider.GetRequiredService<AdminBootstrap>()
                .EnsureAsync(scope.ServiceProvider.GetRequiredService<IOptions<BootstrapOptions>>().Value, ct);
            if (created?.GeneratedPassword is { } password)
                output.WriteLine($"First administrator {created.Email}, password (shown once): {password}");
            return 0;
        });
        return command;
    }

    private static Command SeedDemo(Func<IServiceProvider> services, TextWriter output)
    {
        var command = new Command("seed-demo", "Load the sample index sets (published) and the demo units (Hanoi: 17 departments, 126 communes/wards).");
        command.SetAction(async (_, ct) =>
        {
            await using var scope = services().CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            await DatabaseSetup.MigrateAsync(db, scope.ServiceProvider.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider, ct);
            var report = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(ct);
            foreach (var line in report)
                output.WriteLine(line);
            return 0;
        });
        return command;
    }

    private static Command IndexSet(Func<IServiceProvider> services, TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("FILE") { CustomParser = CallerPath, Description = "An index-set file: .yaml/.yml, or .xlsx with one row per node." };
        var validate = new Command("validate", "Check an index-set file without storing it.") { file };
        validate.SetAction(async (parsed, ct) =>
        {
            var path = parsed.GetValue(file)!;
            return await Refusing(error, path.FullName, async () =>
            {
                await using var content = path.OpenRead();
                var set = await services().GetRequiredService<IndexSetFiles>().ReadAsync(path.Name, content, ct);
                output.WriteLine($"{path.Name}: valid. {set.Key} v{set.Version}, {set.Groups.Count} groups, {set.Leaves().Count()} indicators, {set.MaxPoints} points.");
                return 0;
            });
        });

        var publish = new Option<bool>("--publish") { Description = "Publish the imported version at once." };
        var import = new Command("import", "Validate an index-set file and store it as a draft (or published) version.") { file, publish };
        import.SetAction(async (parsed, ct) =>
        {
            var path = parsed.GetValue(file)!;
            return await Refusing(error, path.FullName, async () =>
            {
                await using var scope = services().CreateAsyncScope();
                await using var content = path.OpenRead();
                var record = await scope.ServiceProvider.GetRequiredService<IndexSetCatalog>()
                    .ImportAsync(path.Name, content, "cli", parsed.GetValue(publish), ct);
                output.WriteLine($"{path.Name}: stored {record.Key} v{record.Version} as {record.Status.ToString().ToLowerInvariant()} ({record.IndicatorCount} indicators, id {record.Id}).");
                return 0;
            });
        });
        return new Command("index-set", "Validate and import index sets.") { validate, import };
    }

    private static Command Units(Func<IServiceProvider> services, TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("FILE") { CustomParser = CallerPath, Description = "A .csv (UTF-8) or .xlsx file with one row per unit." };
        var import = new Command("import", "Import units; one bad row refuses the whole file.") { file };
        import.SetAction(async (parsed, ct) =>
        {
            var path = parsed.GetValue(file)!;
            return await Refusing(error, path.FullName, async () =>
            {
                await using var scope = services().CreateAsyncScope();
                await using var content = path.OpenRead();
                var summary = await scope.ServiceProvider.GetRequiredService<UnitImport>().ImportAsync(path.Name, content, ct);
                output.WriteLine($"{path.Name}: {summary.Created} unit(s) created, {summary.Updated} updated, {summary.AuthoritiesCreated} authority(ies) created.");
                return 0;
            });
        });
        return new Command("units", "Import units.") { import };
    }

    private static Command Workflow(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("FILE") { CustomParser = CallerPath, Description = "A workflow definition (.yaml), e.g. workflows/annual-campaign.v1.yaml." };
        var validate = new Command("validate", "Check a workflow definition: stages, transitions, timers, gates, activities, templates.") { file };
        validate.SetAction(parsed => WorkflowCommands.Validate(parsed.GetValue(file)!.FullName, output, error, Dtx.Campaign.Server.Workflow.CampaignVocabulary.Catalog));

        var format = new Option<string>("--format") { Description = "mermaid (default) or dot.", DefaultValueFactory = _ => "mermaid" };
        format.AcceptOnlyFromAmong("mermaid", "dot");
        var current = new Option<string?>("--current") { Description = "A stage to highlight." };
        var graph = new Command("graph", "Print the definition as a Mermaid (or DOT) diagram.") { file, format, current };
        graph.SetAction(parsed => WorkflowCommands.Graph(parsed.GetValue(file)!.FullName, output, error, Dtx.Campaign.Server.Workflow.CampaignVocabulary.Catalog, parsed.GetValue(format) == "dot", parsed.GetValue(current)));
        return new Command("workflow", "Validate and draw workflow definitions.") { validate, graph };
    }

    private static Command Document(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("FILE") { CustomParser = CallerPath, Description = "An issued PDF (notice or Certificate of Merit)." };
        var verify = new Command("verify", "Who signed a PDF, when, and whether it changed since; exit 1 when unsigned, altered or unreadable.") { file };
        verify.SetAction(parsed =>
        {
            var path = parsed.GetValue(file)!;
            if (!path.Exists)
            {
                error.WriteLine($"{path.FullName}: không có tệp / no such file");
                return 1;
            }
            var report = Documents.DocumentVerifier.Verify(File.ReadAllBytes(path.FullName));
            var writer = report.Intact ? output : error;
            writer.WriteLine($"{path.FullName}: {report.Detail}");
            if (report.Signer is not null)
                writer.WriteLine($"  Người ký / signer: {report.Signer}");
            if (report.SignedAt is { } at)
                writer.WriteLine($"  Thời điểm ký / signed at: {at:yyyy-MM-dd HH:mm:ss} UTC");
            return report.Intact ? 0 : 1;
        });
        return new Command("document", "Issued documents.") { verify };
    }

    private static Command Audit(Func<IServiceProvider> services, TextWriter output, TextWriter error)
    {
        var head = new Option<string?>("--head") { Description = "A head hash recorded earlier (printed by verify and anchor): the chain must still contain it." };
        var verify = new Command("verify", "Check the audit log's hash chain, unsealed entries and the anchor file; exit 1 naming the first break.") { head };
        verify.SetAction(async (parsed, ct) =>
        {
            await using var scope = services().CreateAsyncScope();
            var report = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(ct, parsed.GetValue(head));
            (report.Intact ? output : error).WriteLine(report.Message);
            return report.Intact ? 0 : 1;
        });
        var anchor = new Command("anchor", "Append the chain's head to the anchor file (the server also does it daily); print it.");
        anchor.SetAction(async (_, ct) =>
        {
            await using var scope = services().CreateAsyncScope();
            var anchors = scope.ServiceProvider.GetRequiredService<AuditAnchors>();
            var written = await anchors.AppendHeadAsync(ct);
            output.WriteLine(written is null ? "Nothing anchored: the chain is empty or Audit:AnchorFile is not set."
                : $"Anchored place {written.Seq} hash {written.Hash} in {anchors.FilePath}");
            return 0;
        });
        return new Command("audit", "Audit log tools.") { verify, anchor };
    }

    private static Command Results(Func<IServiceProvider> services, TextWriter output, TextWriter error)
    {
        var verify = new Command("verify", "Hash every stored result document and recompute it from the database, and check each unit's result row against the document and its own checksum; exit 1 naming the units and figures that differ (an edited document or row, or a restore).");
        verify.SetAction(async (_, ct) =>
        {
            await using var scope = services().CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            var book = scope.ServiceProvider.GetRequiredService<Server.Results.ResultsBook>();
            var sets = await db.Set<Server.Results.ResultSet>().AsNoTracking().Select(r => new { r.CampaignId, r.Kind }).ToListAsync(ct);
            var differing = 0;
            foreach (var set in sets)
            {
                Server.Results.RecomputeReport report;
                try
                {
                    report = (await book.RecomputeAsync(set.CampaignId, set.Kind, ct))!;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One set that cannot be recomputed (its year-over-year reads last year's, itself edited) does not stop the
                    // check of the others; it is reported, with what stopped it, and counts as different.
                    error.WriteLine($"campaign {set.CampaignId} {set.Kind}: NOT RECOMPUTED ({e.GetType().Name}): {e.Message}");
                    differing++;
                    continue;
                }
                (report.Identical ? output : error).WriteLine($"campaign {set.CampaignId} {set.Kind}: {(report.Identical ? "identical" : "DIFFERENT")} (checksum {report.StoredChecksum}, stored document {report.DocumentChecksum}, recomputed {report.RecomputedChecksum}), "
                    + (report.UnitRows == 0 ? "no unit rows (stored before them: units are read from the document)" : $"{report.UnitRows} unit rows"));
                foreach (var difference in report.Differences)
                    error.WriteLine($"  {difference}");
                if (!report.Identical)
                    differing++;
            }
            output.WriteLine($"{sets.Count} result set(s) checked, {differing} different.");
            return differing == 0 ? 0 : 1;
        });
        return new Command("results", "Result tools.") { verify };
    }

    /// <summary>Turns a refused file into exit code 1 with every problem on its own line.</summary>
    private static async Task<int> Refusing(TextWriter error, string path, Func<Task<int>> action)
    {
        if (!File.Exists(path))
        {
            error.WriteLine($"{path}: no such file.");
            return 1;
        }
        try
        {
            return await action();
        }
        catch (ImportRejectedException rejected)
        {
            error.WriteLine($"{rejected.File}: refused, nothing was stored. {rejected.Problems.Count} problem(s):");
            // The console speaks English: each problem's place and text from the refusal catalogue.
            foreach (var problem in rejected.Problems)
                error.WriteLine($"  {problem.Describe("en")}");
            return 1;
        }
        catch (Refusal refused)
        {
            error.WriteLine(refused.Message);
            return 1;
        }
    }
}
