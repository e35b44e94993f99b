using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Dtx.Campaign.Server.Data;

/// <summary>
/// Stores an instant as UTC ticks so that SQLite can order and compare it in SQL; every instant the
/// server stores is UTC, so nothing is lost.
/// </summary>
public sealed class DateTimeOffsetToUtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
