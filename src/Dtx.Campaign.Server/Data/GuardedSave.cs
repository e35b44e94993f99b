using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace Dtx.Campaign.Server.Data;

/// <summary>
/// PostgreSQL: writes a context's added and changed entities in one round trip, without a transaction held open while the
/// caller read and computed. The caller reads without locks, computes, and hands over the row it computed from (the guard,
/// changed) and rows it relied on unchanged: one statement updates the guard only if its concurrency tokens and those of
/// the unchanged rows are still as read, and every other write hangs on that update (data-modifying CTEs over it), so all or
/// nothing is written. The advisory lock goes first in the same round trip, so that the writers that lock, read and write
/// (<see cref="Workflows.Storage.ITransactionLock"/>) are never interleaved. False: something changed since the read, nothing
/// was written, read again.
/// </summary>
internal static class GuardedSave
{
    public static async Task<bool> SaveAsync(DbContext db, long lockKey, object guard, IReadOnlyList<object> unchanged, CancellationToken ct)
    {
        // What SaveChanges would have done before writing: changes detected (once: each detection compares every tracked
        // value, lists included), texts in NFC.
        db.ChangeTracker.DetectChanges();
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            NfcText.Apply(db);
            return await WriteAsync(db, lockKey, guard, unchanged, ct);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private static async Task<bool> WriteAsync(DbContext db, long lockKey, object guard, IReadOnlyList<object> unchanged, CancellationToken ct)
    {
        var written = db.ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified).ToList();
        var guardEntry = db.Entry(guard);
        if (guardEntry.State != EntityState.Modified)
            throw new InvalidOperationException($"The guard row ({guardEntry.Metadata.DisplayName()}) must be changed by the write it guards.");
        if (db.ChangeTracker.Entries().Any(e => e.State == EntityState.Deleted))
            throw new NotSupportedException("A guarded save does not delete.");

        var statement = new Statement();
        var sql = new StringBuilder("WITH guard AS (");
        sql.Append(statement.Update(guardEntry, Guarded(statement, guardEntry, unchanged.Select(db.Entry)))).Append(" RETURNING 1)");
        var n = 0;
        foreach (var group in written.Where(e => !ReferenceEquals(e.Entity, guard)).GroupBy(e => (e.Metadata, e.State)))
        {
            if (group.Key.State == EntityState.Added)
                sql.Append($",\nw{n++} AS ({statement.Insert([.. group])})");
            else
                foreach (var entry in group)
                    sql.Append($",\nw{n++} AS ({statement.Update(entry, "EXISTS (SELECT 1 FROM guard)")})");
        }
        sql.Append("\nSELECT count(*) FROM guard");

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var batch = new NpgsqlBatch(connection);
            // The lock and the write: one round trip, one implicit transaction; the write's snapshot is taken once the lock is held.
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)") { Parameters = { new() { Value = lockKey } } });
            var write = new NpgsqlBatchCommand(sql.ToString());
            write.Parameters.AddRange(statement.Parameters.ToArray());
            batch.BatchCommands.Add(write);
            await using var reader = await batch.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            if (reader.GetInt64(0) == 0)
                return false;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        // What was written is let go rather than kept as saved (values the database generated, identity numbers, are not
        // read back, and accepting the changes would snapshot every value again).
        foreach (var entry in written)
            entry.State = EntityState.Detached;
        return true;
    }

    /// <summary>The guard row's condition: its key and concurrency tokens as read, and each unchanged row's the same.</summary>
    private static string Guarded(Statement statement, EntityEntry guard, IEnumerable<EntityEntry> unchanged)
    {
        var conditions = new List<string> { statement.Matches(guard, qualified: false) };
        foreach (var row in unchanged)
            conditions.Add($"EXISTS (SELECT 1 FROM {Statement.Table(row.Metadata)} WHERE {statement.Matches(row, qualified: true)})");
        return string.Join(" AND ", conditions);
    }

    /// <summary>One statement's text pieces and its positional parameters, each cast to its column's type.</summary>
    private sealed class Statement
    {
        public List<NpgsqlParameter> Parameters { get; } = [];

        public static string Table(IEntityType type) => EntityRows.Table(type);

        private static string Column(IProperty property) => EntityRows.Quote(property.GetColumnName());

        private string Value(IProperty property, object? value)
        {
            var converter = property.GetTypeMapping().Converter;
            Parameters.Add(new NpgsqlParameter { Value = (converter is null || value is null ? value : converter.ConvertToProvider(value)) ?? DBNull.Value });
            return $"CAST(${Parameters.Count} AS {property.GetColumnType()})";
        }

        /// <summary>The row's key and concurrency tokens equal to the values read.</summary>
        public string Matches(EntityEntry row, bool qualified)
        {
            var prefix = qualified ? Table(row.Metadata) + "." : "";
            // A row read without tracking (detached) is as read.
            return string.Join(" AND ", row.Metadata.GetProperties().Where(p => p.IsPrimaryKey() || p.IsConcurrencyToken)
                .Select(p => $"{prefix}{Column(p)} = {Value(p, row.State == EntityState.Detached ? row.Property(p.Name).CurrentValue : row.Property(p.Name).OriginalValue)}"));
        }

        public string Update(EntityEntry row, string condition)
        {
            var set = row.Properties.Where(p => p.IsModified)
                .Select(p => $"{Column(p.Metadata)} = {Value(p.Metadata, p.CurrentValue)}");
            var key = string.Join(" AND ", row.Metadata.FindPrimaryKey()!.Properties.Select(p => $"{Column(p)} = {Value(p, row.Property(p.Name).OriginalValue)}"));
            return $"UPDATE {Table(row.Metadata)} SET {string.Join(", ", set)} WHERE {key} AND {condition}";
        }

        /// <summary>Rows of one type, inserted once per guard row (none when the guard did not match). Generated values are left to the database.</summary>
        public string Insert(IReadOnlyList<EntityEntry> rows)
        {
            if (rows[0].Metadata.GetComplexProperties().Any())
                throw new NotSupportedException($"A guarded save does not insert {rows[0].Metadata.DisplayName()}: it has complex properties.");
            var columns = rows[0].Metadata.GetProperties().Where(p => !rows[0].Property(p.Name).IsTemporary).ToList();
            var values = rows.Select(r => "(" + string.Join(", ", columns.Select(c => Value(c, r.Property(c.Name).CurrentValue))) + ")");
            var names = string.Join(", ", columns.Select(Column));
            return $"INSERT INTO {Table(rows[0].Metadata)} ({names}) SELECT v.* FROM guard, (VALUES {string.Join(", ", values)}) AS v({names})";
        }
    }
}
