using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Dtx.Campaign.Server.Tests.Deployment;

/// <summary>
/// The server published once per test run (<c>dotnet publish</c> of the build the tests run against, <c>--no-build</c>) into
/// a folder that stands for the docs' <c>/opt/dtx-campaign</c>; shared by the classes that use it (each MSBuild publish
/// cost ~17 s of CPU, and the classes only read the folder, apart from the SQLite default's App_Data that one test checks).
/// Removed when the test process exits.
/// </summary>
public sealed class PublishedServer : IAsyncLifetime
{
    /// <summary>The documented install command; the tests check that the docs still say it.</summary>
    public const string PublishCommand = "dotnet publish src/Dtx.Campaign.Server -c Release -o /opt/dtx-campaign";

    public const string DocumentedFolder = "/opt/dtx-campaign";

    private static readonly string SharedRoot = Path.Combine(Path.GetTempPath(), "dtx-tests", "published-" + Guid.NewGuid().ToString("N"));

    private static readonly Lazy<Task> Published = new(PublishAsync);

    public string Root => SharedRoot;

    public string Folder => Path.Combine(Root, "opt-dtx-campaign");

    /// <summary>The configuration the tests were built in (Release in CI), which the server was built in too.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public Task InitializeAsync() => Published.Value;

    private static async Task PublishAsync()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(SharedRoot, recursive: true); } catch (IOException) { }
        };
        var project = Path.Combine(Infrastructure.RepositoryFiles.Root, "src", "Dtx.Campaign.Server");
        var folder = Path.Combine(SharedRoot, "opt-dtx-campaign");
        var (exitCode, output) = await Shell.RunAsync(
            $"dotnet publish '{project}' -c {Configuration} --no-build -o '{folder}' --nologo -v quiet", new Dictionary<string, string?>(), SharedRoot, TimeSpan.FromMinutes(3));
        if (exitCode != 0)
            throw new InvalidOperationException("dotnet publish failed: " + output);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>Fenced code blocks of a markdown file, by the heading they stand under: the docs are the test's script.</summary>
public static class MarkdownBlocks
{
    public static IReadOnlyList<string> Under(string file, string heading, string language = "sh")
    {
        var lines = File.ReadAllLines(Path.Combine(Infrastructure.RepositoryFiles.Root, file));
        var start = Array.FindIndex(lines, l => l.TrimStart('#').Trim() == heading && l.StartsWith('#'));
        if (start < 0)
            throw new InvalidOperationException($"{file} has no heading '{heading}'");
        var level = lines[start].TakeWhile(c => c == '#').Count();
        var blocks = new List<string>();
        StringBuilder? block = null;
        for (var i = start + 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (block is null && line.StartsWith('#') && line.TakeWhile(c => c == '#').Count() <= level)
                break;
            if (block is null && line.Trim() == "```" + language)
                block = new StringBuilder();
            else if (block is not null && line.Trim() == "```")
            {
                blocks.Add(block.ToString());
                block = null;
            }
            else
                block?.AppendLine(line);
        }
        return blocks;
    }

    /// <summary>Replaces text the docs must contain (so that a changed doc fails here instead of being silently skipped).</summary>
    public static string Replace(string block, params (string Documented, string Here)[] replacements)
    {
        foreach (var (documented, here) in replacements)
        {
            if (!block.Contains(documented, StringComparison.Ordinal))
                throw new InvalidOperationException($"The documented block no longer contains '{documented}':\n{block}");
            block = block.Replace(documented, here, StringComparison.Ordinal);
        }
        return block;
    }
}

/// <summary>bash running a documented block: to its end, or (the server) in the background until killed.</summary>
public sealed class Shell : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder log = new();

    private Shell(Process process) => this.process = process;

    public string Log { get { lock (log) return log.ToString(); } }

    public bool HasExited => process.HasExited;

    private static ProcessStartInfo Info(string script, IReadOnlyDictionary<string, string?> environment, string directory)
    {
        Directory.CreateDirectory(directory);
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        info.ArgumentList.Add("-euo");
        info.ArgumentList.Add("pipefail");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        // The docs assume a plain shell: nothing of the test runner's environment choice leaks in.
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        info.Environment.Remove("ASPNETCORE_URLS");
        // A runtime knob that changes no command of the docs.
        Infrastructure.ServerProcess.ForShortLives(info.Environment);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        return info;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string script, IReadOnlyDictionary<string, string?> environment, string directory, TimeSpan? timeout = null)
    {
        using var process = Process.Start(Info(script, environment, directory))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await output + await error);
    }

    /// <summary>Runs the block with its last line (the server) exec'd, and waits until <paramref name="health"/> answers 200.</summary>
    public static async Task<Shell> StartServerAsync(string block, IReadOnlyDictionary<string, string?> environment, string directory, Uri health, TimeSpan? timeout = null)
    {
        var lines = block.TrimEnd().Split('\n');
        var script = string.Join('\n', lines[..^1].Append("exec " + lines[^1]));
        var shell = new Shell(Process.Start(Info(script, environment, directory))!);
        shell.process.OutputDataReceived += (_, e) => shell.Append(e.Data);
        shell.process.ErrorDataReceived += (_, e) => shell.Append(e.Data);
        shell.process.BeginOutputReadLine();
        shell.process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(5)); // generous: the block may build, and the machine may be busy
        // A probe the server has accepted is awaited, up to the deadline: one cut off after a few seconds on a busy machine
        // cancelled the server's database health check, which it rightly logs as a failure, and failed the log checks.
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var probing = new CancellationTokenSource(deadline - DateTime.UtcNow);
        while (DateTime.UtcNow < deadline)
        {
            if (shell.process.HasExited)
                throw new InvalidOperationException($"The documented block exited with {shell.process.ExitCode}: {shell.Log}");
            try
            {
                if ((await http.GetAsync(health, probing.Token)).IsSuccessStatusCode)
                    return shell;
            }
            catch (HttpRequestException) { }   // not listening yet
            catch (TaskCanceledException) { }  // the deadline
            await Task.Delay(300);
        }
        await shell.DisposeAsync();
        throw new TimeoutException($"The documented server did not answer {health}: {shell.Log}");
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (log)
            log.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}

/// <summary>libpq's environment (PGHOST, …) and Npgsql helpers for the test server named by DTX_TEST_POSTGRES.</summary>
public static partial class TestPostgres
{
    public static Dictionary<string, string?> LibpqEnvironment()
    {
        var admin = new NpgsqlConnectionStringBuilder(Infrastructure.PostgresTestDatabase.AdminConnection);
        return new()
        {
            ["PGHOST"] = admin.Host, ["PGPORT"] = admin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = admin.Username, ["PGPASSWORD"] = admin.Password,
        };
    }

    public static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<string> TextAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static string DatabaseName(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database!;

    /// <summary>A line of log output that is part of a .NET stack trace.</summary>
    [GeneratedRegex(@"^\s+at \S+", RegexOptions.Multiline)]
    public static partial Regex StackTraceLine();
}
