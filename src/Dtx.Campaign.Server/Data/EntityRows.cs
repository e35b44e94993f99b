using System.Collections.Concurrent;
using System.Data.Common;
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
    /// <summary>One mapped column: the property it fills, the complex property holding it (if any), and how its value is read.</summary>
    private sealed record Mapped(IProperty Property, IComplexProperty? Within, string Name, Func<DbDataReader, int, object> Read);

    private static readonly ConcurrentDictionary<IEntityType, Mapped[]> Shapes = new();

    public static string Table(IEntityType type) => Quote(type.GetTableName()!);

    /// <summary>The column of one property, quoted, e.g. for a WHERE clause.</summary>
    public static string Column(IEntityType type, string property, string alias) =>
        $"{alias}.{Quote(type.FindProperty(property)!.GetColumnName(StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema()))!)}";

    /// <summary>The select list of the type's columns under <paramref name="alias"/>, in the order <see cref="Read"/> reads them.</summary>
    public static string Select(IEntityType type, string alias) => string.Join(", ", ShapeOf(type).Select(c => $"{alias}.{Quote(c.Name)}"));

    /// <summary>Reads one entity from the row's columns starting at <paramref name="ordinal"/>, and moves it past them.</summary>
    public static T Read<T>(IEntityType type, DbDataReader reader, ref int ordinal) where T : class
    {
        var entity = Activator.CreateInstance(type.ClrType)!;
        var complexes = new Dictionary<IComplexProperty, object>();
        foreach (var complex in type.GetComplexProperties())
        {
            var value = Activator.CreateInstance(complex.ComplexType.ClrType)!;
            Set(complex, entity, value);
            complexes.Add(complex, value);
        }
        foreach (var column in ShapeOf(type))
        {
            var stored = reader.IsDBNull(ordinal) ? null : column.Read(reader, ordinal);
            ordinal++;
            var converter = column.Property.GetTypeMapping().Converter;
            Set(column.Property, column.Within is null ? entity : complexes[column.Within], converter is null || stored is null ? stored : converter.ConvertFromProvider(stored));
        }
        return (T)entity;
    }

    private static Mapped[] ShapeOf(IEntityType type) => Shapes.GetOrAdd(type, static type =>
    {
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        if (type.GetComplexProperties().Any(c => c.ComplexType.GetComplexProperties().Any()))
            throw new NotSupportedException($"{type.DisplayName()}: nested complex properties are not read by EntityRows.");
        return [.. type.GetProperties().Select(p => Shape(p, null, table))
            .Concat(type.GetComplexProperties().SelectMany(c => c.ComplexType.GetProperties().Select(p => Shape(p, c, table))))];
    });

    private static Mapped Shape(IProperty property, IComplexProperty? within, StoreObjectIdentifier table)
    {
        if (property.IsShadowProperty())
            throw new NotSupportedException($"{property.DeclaringType.DisplayName()}.{property.Name}: shadow properties are not read by EntityRows.");
        var mapping = property.GetTypeMapping();
        var stored = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
        var read = typeof(EntityRows).GetMethod(nameof(ReadAs), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(stored)
            .CreateDelegate<Func<DbDataReader, int, object>>();
        return new Mapped(property, within, property.GetColumnName(table)!, read);
    }

    private static object ReadAs<TStored>(DbDataReader reader, int ordinal) => reader.GetFieldValue<TStored>(ordinal)!;

    private static void Set(IPropertyBase property, object target, object? value)
    {
        switch (property.GetMemberInfo(forMaterialization: true, forSet: true))
        {
            case PropertyInfo p: p.SetValue(target, value); break;
            case FieldInfo f: f.SetValue(target, value); break;
            default: throw new NotSupportedException($"{property.DeclaringType.DisplayName()}.{property.Name} cannot be set.");
        }
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
