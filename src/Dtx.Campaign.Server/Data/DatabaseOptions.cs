using System.ComponentModel.DataAnnotations;

namespace Dtx.Campaign.Server.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Which database the server uses. Bound from the <c>Database</c> section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (embedded default, zero set-up) or <c>Postgres</c> (production, several nodes).</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Apply pending migrations when the server starts. Null means: yes on SQLite, no on PostgreSQL,
    /// where the <c>migrate</c> command applies them before a deployment.
    /// </summary>
    public bool? MigrateOnStart { get; set; }

    public bool ShouldMigrateOnStart => MigrateOnStart ?? Provider == DatabaseProvider.Sqlite;
}

/// <summary>Where the server keeps files: the embedded database, uploaded evidence, the mail pickup folder.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Relative paths are resolved against the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "App_Data";
}
