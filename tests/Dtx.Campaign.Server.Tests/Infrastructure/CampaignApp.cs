using Dtx.Campaign.Server.Cli;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Scheduling;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Dtx.Campaign.Server.Tests.Infrastructure;

/// <summary>
/// The real server on a fresh database of the given provider, with a clock the test moves.
/// One per test class (xunit class fixture); intent methods keep the tests short.
/// </summary>
public abstract class CampaignApp(ITestDatabase database) : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "Admin-Password-1";

    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "dtx-tests", "data-" + Guid.NewGuid().ToString("N"));

    public ITestDatabase Database { get; } = database;

    /// <summary>Starts at 1 Oct 2025, 09:00 in Hanoi.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 10, 1, 2, 0, 0, TimeSpan.Zero));

    public string Provider => Database.Provider;

    /// <summary>
    /// Whether Quartz runs in this app, on the fake clock (<see cref="PassTimeAsync"/>). Off by default: timers are
    /// then fired by <see cref="FireDueTimersAsync"/> when the fake clock reaches them; triggers are still stored.
    /// </summary>
    protected virtual bool RunScheduler => false;

    /// <summary>Sign-ins allowed per minute, account and address; tests sign in often, one test checks the limit.</summary>
    protected virtual int SignInsPerMinute => 10_000;

    /// <summary>Sign-in requests allowed per minute and address (a flood guard); tests sign in often, one test keeps the default.</summary>
    protected virtual int SignInRequestsPerAddressPerMinute => 10_000;

    /// <summary>Requests with an API token allowed per minute and address; one test checks the limit.</summary>
    protected virtual int TokenRequestsPerMinute => 10_000;

    /// <summary>A real SMTP server the app sends to, for tests of e-mail delivery; null: mail goes to the pickup folder.</summary>
    public SmtpTestServer? Smtp { get; protected init; }

    public async Task InitializeAsync()
    {
        await Database.CreateMigratedAsync();
        if (Smtp is not null)
            await Smtp.StartAsync();
        await BeforeStartAsync();
        StartServer(); // start the host now (in memory, or on Kestrel for browser tests): migrations and the first administrator.
        // Administrators must use two-factor authentication: the first one is enrolled as they would be,
        // and the test keeps the key to compute codes on the fake clock.
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Dtx.Campaign.Server.Identity.AppUser>>();
        var admin = await users.FindByEmailAsync(AdminEmail) ?? throw new InvalidOperationException("no first administrator");
        await users.ResetAuthenticatorKeyAsync(admin);
        AuthenticatorKeys[AdminEmail] = (await users.GetAuthenticatorKeyAsync(admin))!;
        await users.SetTwoFactorEnabledAsync(admin, true);
    }

    /// <summary>The authenticator keys of the people enrolled in two-factor authentication during the test, by e-mail.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> AuthenticatorKeys { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A code an authenticator app shows (on the fake clock) for this key that the server has not taken yet:
    /// each code signs in once, so when the current step's and the next step's codes were used, the clock
    /// moves on to the next step, as it would while the person waits.
    /// </summary>
    public string TotpCode(string key) => TwoFactorSignIn.UnusedCodeAsync(key, () => Clock.GetUtcNow().UtcDateTime, MoveClockToAsync).GetAwaiter().GetResult();

    private Task MoveClockToAsync(DateTime utc)
    {
        if (utc > Clock.GetUtcNow().UtcDateTime)
            Clock.SetUtcNow(new DateTimeOffset(utc, TimeSpan.Zero));
        return Task.CompletedTask;
    }

    /// <summary>Starts what the app talks to, before the app starts.</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    /// <summary>Stops what <see cref="BeforeStartAsync"/> started, after the app has stopped.</summary>
    protected virtual ValueTask AfterStopAsync() => ValueTask.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await AfterStopAsync();
        await Database.DisposeAsync();
        if (Smtp is not null)
            await Smtp.DisposeAsync();
        try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Database.Provider);
        builder.UseSetting("Database:MigrateOnStart", "true");
        builder.UseSetting("ConnectionStrings:Campaign", Database.ConnectionString);
        builder.UseSetting("Storage:DataDirectory", dataDirectory);
        builder.UseSetting("Bootstrap:AdminEmail", AdminEmail);
        builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("Scheduling:Enabled", RunScheduler ? "true" : "false");
        builder.UseSetting("Security:SignInsPerMinute", SignInsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Security:SignInRequestsPerAddressPerMinute", SignInRequestsPerAddressPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Security:TokenRequestsPerMinute", TokenRequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Tests deliver the outbox themselves, on the fake clock.
        builder.UseSetting("Email:DeliverInBackground", "false");
        builder.UseSetting("Certificates:PrintInBackground", "false");
        if (Smtp is not null)
        {
            builder.UseSetting("Email:SmtpHost", "127.0.0.1");
            builder.UseSetting("Email:SmtpPort", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Email:Security", "None");
        }
        builder.ConfigureServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            // Tests only: Identity's 100 000 PBKDF2 rounds made every created account and every sign-in cost
            // tens of milliseconds of CPU, thousands of times per run. The hashing code is the same, with fewer rounds;
            // DocumentedCommandsTests checks that the installed server still stores hashes with Identity's own count.
            services.Configure<Microsoft.AspNetCore.Identity.PasswordHasherOptions>(o => o.IterationCount = 1_000);
        });
    }

    /// <summary>
    /// Clients name their origin as a browser does (Origin on every request): the server refuses changes
    /// made with its cookies from another site, or from a client that names no origin.
    /// </summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Add("Origin", client.BaseAddress!.GetLeftPart(UriPartial.Authority));
    }

    /// <summary>A client signed in as the first administrator.</summary>
    public Task<HttpClient> LoginAsAdminAsync() => LoginAsync(AdminEmail, AdminPassword);

    /// <summary>Resumes every timer bookmark due by the fake clock, in due order, until none is left; returns how many.</summary>
    public async Task<int> FireDueTimersAsync()
    {
        var fired = 0;
        while (true)
        {
            await using var scope = Services.CreateAsyncScope();
            var now = Clock.GetUtcNow().UtcDateTime;
            var due = await PendingTimers(scope).Where(b => b.DueUtc <= now).OrderBy(b => b.DueUtc).Select(b => b.Id).FirstOrDefaultAsync();
            if (due == Guid.Empty)
                return fired;
            var runtime = scope.ServiceProvider.GetRequiredService<WorkflowRuntime>();
            var result = await runtime.ResumeAsync(due, WorkflowActor.Timer);
            if (result != ResumeResult.Resumed)
            {
                await using var check = Services.CreateAsyncScope();
                var db = check.ServiceProvider.GetRequiredService<CampaignDbContext>();
                var incident = await db.Set<Bookmark>().Where(b => b.Id == due)
                    .Join(db.Set<WorkflowInstance>(), b => b.InstanceId, i => i.Id, (b, i) => i.Incident).FirstOrDefaultAsync();
                throw new InvalidOperationException($"Timer {due} did not resume: {result}. {incident}");
            }
            fired++;
        }
    }

    /// <summary>
    /// Lets time pass up to <paramref name="until"/> with Quartz running on the fake clock, as a real clock would:
    /// the clock stops at each timer's due moment in turn, and goes on only once Quartz has fired every timer
    /// due by then (no bookmark left to consume, no job running). Nothing is resumed here: Quartz does it all.
    /// </summary>
    public async Task PassTimeAsync(DateTimeOffset until)
    {
        if (!RunScheduler)
            throw new InvalidOperationException("Quartz does not run in this app: fire timers with FireDueTimersAsync.");
        var scheduler = await Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
        while (true)
        {
            DateTime? next;
            await using (var scope = Services.CreateAsyncScope())
            {
                var now = Clock.GetUtcNow().UtcDateTime;
                next = await PendingTimers(scope).Where(b => b.DueUtc > now).MinAsync(b => (DateTime?)b.DueUtc);
            }
            var stop = next is { } due && due <= until.UtcDateTime ? new DateTimeOffset(due, TimeSpan.Zero) : until.ToUniversalTime();
            if (stop > Clock.GetUtcNow())
                Clock.SetUtcNow(stop);
            await UntilQuartzIsIdleAsync(scheduler, stop.AddSeconds(50));
            if (stop >= until)
                return;
        }
    }

    /// <summary>
    /// Waits until Quartz has fired every due timer. Quartz may be sleeping on the clock (its idle wait) when a timer
    /// falls due; a real clock would wake it, so while a timer waits the clock moves on a second at a time, up to
    /// <paramref name="ceiling"/> (under a minute: displayed times are to the minute).
    /// </summary>
    private async Task UntilQuartzIsIdleAsync(Quartz.IScheduler scheduler, DateTimeOffset ceiling)
    {
        // Real time, generous: a busy machine may take a while, an idle one returns in milliseconds.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            await using var scope = Services.CreateAsyncScope();
            var now = Clock.GetUtcNow().UtcDateTime;
            var due = await PendingTimers(scope).Where(b => b.DueUtc <= now).Select(b => new { b.Id, b.DueUtc }).ToListAsync();
            // Acquired or executing, on this node: a job may still be working after its bookmark's commit.
            var running = (await scheduler.QueryFireInstances(new Quartz.FireInstanceQuery { Take = Quartz.PagedQuery.All })).Items;
            if (due.Count == 0 && running.Count == 0)
                return;
            if (DateTime.UtcNow > deadline)
            {
                var incidents = await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<WorkflowInstance>()
                    .Where(i => i.Incident != null).Select(i => i.Incident).ToListAsync();
                var triggers = new List<string>();
                foreach (var d in due)
                {
                    var key = new Quartz.TriggerKey(d.Id.ToString(), QuartzTimerScheduler.TriggerGroup);
                    var trigger = await scheduler.GetTrigger(key);
                    triggers.Add(trigger is null ? $"{d.Id} due {d.DueUtc:u}: no trigger"
                        : $"{d.Id} due {d.DueUtc:u}: trigger {await scheduler.GetTriggerState(key)}");
                }
                throw new TimeoutException($"At {now:u} Quartz has not fired {due.Count} due timer(s) ({string.Join("; ", triggers)}); " +
                    $"{running.Count} firing(s) in flight; incidents: {string.Join(" | ", incidents)}");
            }
            await Task.Delay(20);
            if (running.Count == 0 && Clock.GetUtcNow() < ceiling)
                Clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>The workflow timers not yet fired, whenever they are due.</summary>
    private static IQueryable<Bookmark> PendingTimers(AsyncServiceScope scope) =>
        scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<Bookmark>().Where(b => b.Kind == BookmarkKind.Timer && b.ConsumedAt == null);

    /// <summary>Delivers every due e-mail of the outbox now (tests deliver on the fake clock) and fails if any could not be sent.</summary>
    public async Task DeliverMailAsync()
    {
        // The app's own delivery worker runs too and may hold a message at this moment (claimed, being sent):
        // wait until no due e-mail is left, so that the SMTP server has everything when this returns.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var scope = Services.CreateAsyncScope();
            var report = await scope.ServiceProvider.GetRequiredService<Dtx.Campaign.Server.Email.OutboxDelivery>().DeliverDueAsync(1000, CancellationToken.None);
            if (report.Failed > 0)
                throw new InvalidOperationException($"{report.Failed} e-mails could not be delivered");
            var now = Clock.GetUtcNow().UtcDateTime;
            var waiting = await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<OutboxMessage>()
                .CountAsync(m => m.Kind == "email" && m.Status == OutboxStatus.Pending && (m.NextAttemptAt == null || m.NextAttemptAt <= now));
            if (waiting == 0)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{waiting} e-mails are still waiting to be sent");
            await Task.Delay(100);
        }
    }

    /// <summary>Creates a person who can sign in, with optional system roles.</summary>
    public async Task CreateUserAsync(string email, string password, params string[] roles)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Dtx.Campaign.Server.Identity.AppUser>>();
        var user = new Dtx.Campaign.Server.Identity.AppUser { UserName = email, Email = email, EmailConfirmed = true, FullName = email };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
            throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        if (roles.Length > 0)
            await users.AddToRolesAsync(user, roles);
    }

    /// <summary>
    /// A signed-in client. Does what the person would: the second step with a code from the authenticator
    /// when two-factor is on, and enrolment first when an administrator has none yet.
    /// </summary>
    public async Task<HttpClient> LoginAsync(string email, string password)
    {
        var client = CreateClient();
        await TwoFactorSignIn.SignInAsync(client, email, password, AuthenticatorKeys, () => Clock.GetUtcNow().UtcDateTime, MoveClockToAsync);
        return client;
    }

    /// <summary>Imports the Hanoi demo units (17 departments, 126 communes/wards) once.</summary>
    public async Task ImportHanoiUnitsAsync(HttpClient admin)
    {
        var response = await admin.PostAsync("/api/units/import", Multipart.File("hanoi-demo.csv", await File.ReadAllBytesAsync(RepositoryFiles.Data("units", "hanoi-demo.csv"))));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Runs an admin subcommand in-process against this app's services.</summary>
    public async Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await AdminCli.RunAsync(args, output, error, () => Services);
        return (exit, output.ToString(), error.ToString());
    }
}

/// <summary>Where the repository's shipped data files are, for tests that import them.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Data(params string[] parts) => Path.Combine([Root, "data", .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Dtx.Campaign.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("Dtx.Campaign.sln not found above the test binaries.");
    }
}

public sealed class PostgresApp() : CampaignApp(new PostgresTestDatabase());

public sealed class SqliteApp() : CampaignApp(new SqliteTestDatabase());

/// <summary>An app that sends e-mail to a real SMTP server.</summary>
public sealed class PostgresMailApp : CampaignApp
{
    public PostgresMailApp() : base(new PostgresTestDatabase()) => Smtp = new SmtpTestServer();
}

public sealed class SqliteMailApp : CampaignApp
{
    public SqliteMailApp() : base(new SqliteTestDatabase()) => Smtp = new SmtpTestServer();
}

/// <summary>An app that exports OpenTelemetry traces, metrics and logs to a local OTLP collector, and sends e-mail to a real SMTP server.</summary>
public sealed class TelemetryApp : CampaignApp
{
    public TelemetryApp() : base(new SqliteTestDatabase()) => Smtp = new SmtpTestServer();

    public OtlpCollector Collector { get; } = new();

    protected override Task BeforeStartAsync() => Collector.StartAsync();

    protected override ValueTask AfterStopAsync() => Collector.DisposeAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", Collector.Endpoint);
        builder.UseSetting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        // An export that a busy machine slows down must still arrive, not be dropped after the default 10 s.
        builder.UseSetting("OTEL_EXPORTER_OTLP_TIMEOUT", "120000");
    }

    /// <summary>
    /// Exports what the server has buffered now and returns once the collector has answered every export: the test
    /// reads what arrived without waiting out an export interval (an interval raced a busy machine and lost).
    /// </summary>
    public void Flush()
    {
        Assert.True(Services.GetRequiredService<TracerProvider>().ForceFlush(), "the traces were not exported");
        Assert.True(Services.GetRequiredService<MeterProvider>().ForceFlush(), "the metrics were not exported");
        Assert.True(Services.GetRequiredService<LoggerProvider>().ForceFlush(), "the logs were not exported");
    }
}

/// <summary>An app with the production limits on sign-ins.</summary>
public sealed class SignInLimitedApp() : CampaignApp(new SqliteTestDatabase())
{
    protected override int SignInsPerMinute => 10;

    protected override int SignInRequestsPerAddressPerMinute => 300;
}

/// <summary>An app with a small limit on requests that carry an API token.</summary>
public sealed class TokenLimitedApp() : CampaignApp(new SqliteTestDatabase())
{
    protected override int TokenRequestsPerMinute => 5;
}

/// <summary>
/// An app whose Quartz scheduler runs, on the fake clock (Quartz takes the container's TimeProvider), and that
/// sends e-mail to a real SMTP server: timers fire as <see cref="CampaignApp.PassTimeAsync"/> moves the clock.
/// </summary>
public sealed class PostgresSchedulerApp : CampaignApp
{
    public PostgresSchedulerApp() : base(new PostgresTestDatabase()) => Smtp = new SmtpTestServer();

    protected override bool RunScheduler => true;
}

public sealed class SqliteSchedulerApp : CampaignApp
{
    public SqliteSchedulerApp() : base(new SqliteTestDatabase()) => Smtp = new SmtpTestServer();

    protected override bool RunScheduler => true;
}
