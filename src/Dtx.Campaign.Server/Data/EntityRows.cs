using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Dtx.Campaign.Server.Data;

/// <summary>
/// PostgreSQL: entities read by hand-written SQL, with the columns, types and conversions EF Core maps them with. For a
/// read that must be one round trip of several queries (an <c>NpgsqlBatch</c>), which EF Core's LINQ does not send.
/// The entities come back detached; attach those the caller changes.
/// </summary>
internal static class EntityRows
{
    /// <summary>One mapped column: its name, how its stored value is read and converted, and where it goes (the entity, or a complex property's object).</summary>
    private sealed record Mapped(string Name, Func<DbDataReader, int, object> Read, Func<object, object?>? Convert, Action<object, object?> Set, int Within);

    /// <summary>A type's columns in select order, and its complex properties (each an object of its own, created per row).</summary>
    private sealed record Shape(Mapped[] Columns, (Type Type, Action<object, object?> Set)[] Complexes);

    private static readonly ConcurrentDictionary<IEntityType, Shape> Shapes = new();

    public static string Table(IEntityType type) => type.GetSchema() is { } schema ? $"{Quote(schema)}.{Quote(type.GetTableName()!)}" : Quote(type.GetTableName()!);

    /// <summary>The column of one property, quoted, e.g. for a WHERE clause.</summary>
    public static string Column(IEntityType type, string property, string alias) =>
        $"{alias}.{Quote(type.FindProperty(property)!.GetColumnName(StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema()))!)}";

    /// <summary>The select list of the type's columns under <paramref name="alias"/>, in the order <see cref="Read"/> reads them.</summary>
    public static string Select(IEntityType type, string alias) => string.Join(", ", ShapeOf(type).Columns.Select(c => $"{alias}.{Quote(c.Name)}"));

    /// <summary>Reads one entity from the row's columns starting at <paramref name="ordinal"/>, and moves it past them.</summary>
    public static T Read<T>(IEntityType type, DbDataReader reader, ref int ordinal) where T : class
    {
        var shape = ShapeOf(type);
        var entity = Activator.CreateInstance(type.ClrType)!;
        // Target 0 is the entity, target i its i-th complex property's object.
        var targets = new object[shape.Complexes.Length + 1];
        targets[0] = entity;
        for (var i = 0; i < shape.Complexes.Length; i++)
        {
            targets[i + 1] = Activator.CreateInstance(shape.Complexes[i].Type)!;
            shape.Complexes[i].Set(entity, targets[i + 1]);
        }
        foreach (var column in shape.Columns)
        {
            var stored = reader.IsDBNull(ordinal) ? null : column.Read(reader, ordinal);
            ordinal++;
            column.Set(targets[column.Within], column.Convert is null || stored is null ? stored : column.Convert(stored));
        }
        return (T)entity;
    }

    private static Shape ShapeOf(IEntityType type) => Shapes.GetOrAdd(type, static type =>
    {
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var complexes = type.GetComplexProperties().ToList();
        // A struct would be copied into the entity before its columns were set; an optional one would always be created.
        if (complexes.Any(c => c.ComplexType.GetComplexProperties().Any() || c.ComplexType.ClrType.IsValueType || c.IsNullable))
            throw new NotSupportedException($"{type.DisplayName()}: nested, struct or optional complex properties are not read by EntityRows.");
        return new Shape(
            [.. type.GetProperties().Select(p => Map(p, 0, table))
                .Concat(complexes.SelectMany((c, i) => c.ComplexType.GetProperties().Select(p => Map(p, i + 1, table))))],
            [.. complexes.Select(c => (c.ComplexType.ClrType, Setter(c)))]);
    });

    private static Mapped Map(IProperty property, int within, StoreObjectIdentifier table)
    {
        if (property.IsShadowProperty())
            throw new NotSupportedException($"{property.DeclaringType.DisplayName()}.{property.Name}: shadow properties are not read by EntityRows.");
        var mapping = property.GetTypeMapping();
        var stored = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
        var read = typeof(EntityRows).GetMethod(nameof(ReadAs), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(stored)
            .CreateDelegate<Func<DbDataReader, int, object>>();
        return new Mapped(property.GetColumnName(table)!, read, mapping.Converter is { } converter ? converter.ConvertFromProvider : null, Setter(property), within);
    }

    private static object ReadAs<TStored>(DbDataReader reader, int ordinal) => reader.GetFieldValue<TStored>(ordinal)!;

    /// <summary>
    /// Sets the member EF Core materializes the property through (usually the backing field), by a delegate compiled once:
    /// reflection's SetValue was 43 % of reading a unit on the deadline day (perf, 2026-12-08). A read-only field, which an
    /// expression cannot assign, is set by reflection.
    /// </summary>
    private static Action<object, object?> Setter(IPropertyBase property)
    {
        var member = property.GetMemberInfo(forMaterialization: true, forSet: true);
        if (member is FieldInfo { IsInitOnly: true } readOnly)
            return readOnly.SetValue;
        var type = member switch
        {
            PropertyInfo p => p.PropertyType,
            FieldInfo f => f.FieldType,
            _ => throw new NotSupportedException($"{property.DeclaringType.DisplayName()}.{property.Name} cannot be set."),
        };
        var entity = Expression.Parameter(typeof(object), "entity");
        var value = Expression.Parameter(typeof(object), "value");
        var assign = Expression.Assign(Expression.MakeMemberAccess(Expression.Convert(entity, member.DeclaringType!), member), Expression.Convert(value, type));
        return Expression.Lambda<Action<object, object?>>(assign, entity, value).Compile();
    }

    /// <summary>A table or column name as PostgreSQL reads it, whatever its case.</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
