using System.Data;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Microsoft.EntityFrameworkCore.Storage;

namespace PartnerDesk.Platform.Data;

/// <summary>
/// Time arithmetic a query can hand to the database, so that reports count per day in SQL and read a row a day
/// instead of every ticket's time. SQLite keeps a moment as UTC ticks (see
/// <see cref="PartnerDeskDb"/>), PostgreSQL as <c>timestamptz</c>; each method is translated for both and cannot run
/// in memory.
/// </summary>
public static class SqlTime
{
    // DateOnly.DayNumber of 1970-01-01, where PostgreSQL's epoch seconds start.
    private static readonly long UnixEpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    /// <summary>The UTC day a moment falls on, as <see cref="DateOnly.DayNumber"/>.</summary>
    public static long DayNumber(DateTimeOffset at) => throw OnlyInQueries();

    internal static void Map(ModelBuilder builder, bool sqlite)
    {
        var integer = new LongTypeMapping(sqlite ? "INTEGER" : "bigint", DbType.Int64);
        var real = new DoubleTypeMapping(sqlite ? "REAL" : "double precision", DbType.Double);
        SqlExpression Integer(long value) => new SqlConstantExpression(value, typeof(long), integer);
        SqlExpression Real(double value) => new SqlConstantExpression(value, typeof(double), real);
        SqlExpression Binary(ExpressionType op, SqlExpression left, SqlExpression right, RelationalTypeMapping type) =>
            new SqlBinaryExpression(op, left, right, type.ClrType, type);

        // PostgreSQL: seconds since 1970 as a double (date_part on timestamptz is UTC whatever the session's zone).
        SqlExpression Epoch(SqlExpression at) => new SqlFunctionExpression("date_part",
            [new SqlConstantExpression("epoch", typeof(string), new StringTypeMapping("text", DbType.String)), at],
            nullable: true, argumentsPropagateNullability: [false, true], typeof(double), real);
        SqlExpression Floor(SqlExpression value) => new SqlUnaryExpression(ExpressionType.Convert,
            new SqlFunctionExpression("floor", [value], nullable: true, argumentsPropagateNullability: [true], typeof(double), real), typeof(long), integer);

        builder.HasDbFunction(typeof(SqlTime).GetMethod(nameof(DayNumber))!).HasTranslation(args => sqlite
            ? Binary(ExpressionType.Divide, args[0], Integer(TimeSpan.TicksPerDay), integer)
            : Binary(ExpressionType.Add, Floor(Binary(ExpressionType.Divide, Epoch(args[0]), Real(86400), real)), Integer(UnixEpochDay), integer));
    }

    private static InvalidOperationException OnlyInQueries() => new("SqlTime is translated to SQL; it runs only inside a query.");
}
