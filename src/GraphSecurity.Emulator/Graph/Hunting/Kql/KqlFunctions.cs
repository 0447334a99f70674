using System.Text.Json.Nodes;
using static GraphSecurity.Emulator.Graph.Hunting.Kql.KqlEngine;

namespace GraphSecurity.Emulator.Graph.Hunting.Kql;

/// <summary>Scalar functions: ago, now, bin, tolower, toupper, strlen, tostring, isempty, isnotempty, isnull, isnotnull, not.</summary>
public static class KqlFunctions
{
    public static readonly string[] Supported = { "ago", "now", "bin", "tolower", "toupper", "strlen", "tostring", "isempty", "isnotempty", "isnull", "isnotnull", "not" };

    public static Bound Bind(Call call, IReadOnlyList<Bound> args, DateTimeOffset now, string op)
    {
        void Arity(int n)
        {
            if (args.Count != n) throw new KqlException($"'{op}' operator: the function '{call.Name}' expects {n} argument(s), got {args.Count}.");
        }
        void ArgType(int i, params KqlType[] types)
        {
            if (!types.Contains(args[i].Type))
                throw new KqlException($"'{op}' operator: argument {i + 1} of '{call.Name}' must be {string.Join(" or ", types.Select(KqlValues.KustoName))}, not {KqlValues.KustoName(args[i].Type)}.");
        }
        switch (call.Name)
        {
            case "now":
                Arity(0);
                return new Bound(KqlType.DateTime, _ => now);
            case "ago":
                Arity(1); ArgType(0, KqlType.TimeSpan);
                return new Bound(KqlType.DateTime, r => args[0].Eval(r) is TimeSpan t ? now - t : null);
            case "bin":
                Arity(2);
                return Bin(args[0], args[1], op);
            case "tolower":
            case "toupper":
                Arity(1); ArgType(0, KqlType.String);
                var upper = call.Name == "toupper";
                return new Bound(KqlType.String, r => args[0].Eval(r) is string s ? (upper ? s.ToUpperInvariant() : s.ToLowerInvariant()) : null);
            case "strlen":
                Arity(1); ArgType(0, KqlType.String);
                return new Bound(KqlType.Int64, r => args[0].Eval(r) is string s ? (long)s.Length : null);
            case "tostring":
                Arity(1);
                return new Bound(KqlType.String, r => KqlValues.Format(args[0].Eval(r)) ?? "");
            case "isempty":
            case "isnotempty":
                Arity(1);
                var wantEmpty = call.Name == "isempty";
                return new Bound(KqlType.Boolean, r => IsEmpty(args[0].Eval(r)) == wantEmpty);
            case "isnull":
            case "isnotnull":
                Arity(1);
                var wantNull = call.Name == "isnull";
                return new Bound(KqlType.Boolean, r => (args[0].Eval(r) == null) == wantNull);
            case "not":
                Arity(1); ArgType(0, KqlType.Boolean);
                return new Bound(KqlType.Boolean, r => args[0].Eval(r) is bool b ? !b : null);
            default:
                if (Aggregates.Supported.Contains(call.Name))
                    throw new KqlException($"'{op}' operator: the aggregation '{call.Name}()' can only be used in 'summarize'.");
                throw new KqlException($"'{op}' operator: the function '{call.Name}' is not supported by the emulator. Supported functions: {string.Join(", ", Supported)}.");
        }
    }

    private static bool IsEmpty(object v) => v == null || (v is string s && s.Length == 0) || (v is JsonArray a && a.Count == 0);

    /// <summary>bin(value, size): rounds down to a multiple of size (datetime by timespan, or numbers).</summary>
    private static Bound Bin(Bound value, Bound size, string op)
    {
        if (value.Type == KqlType.DateTime && size.Type == KqlType.TimeSpan)
            return new Bound(KqlType.DateTime, r =>
            {
                if (value.Eval(r) is not DateTimeOffset d || size.Eval(r) is not TimeSpan t || t <= TimeSpan.Zero) return null;
                return new DateTimeOffset(d.UtcTicks - d.UtcTicks % t.Ticks, TimeSpan.Zero);
            });
        if (value.Type == KqlType.Int64 && size.Type == KqlType.Int64)
            return new Bound(KqlType.Int64, r => value.Eval(r) is long v && size.Eval(r) is long s && s > 0 ? v - ((v % s) + s) % s : null);
        throw new KqlException($"'{op}' operator: bin() needs a datetime and a timespan, or two longs.");
    }
}

/// <summary>Aggregations of summarize: count, countif, dcount, min, max, make_set.</summary>
public static class Aggregates
{
    public static readonly string[] Supported = { "count", "countif", "dcount", "min", "max", "make_set" };

    public sealed record Aggregate(KqlColumn Column, Func<List<object[]>, object> Compute);

    public static Aggregate Bind(NamedExpr named, KqlTable t, KqlEngine engine)
    {
        if (named.Expr is not Call call || !Supported.Contains(call.Name))
            throw new KqlException($"'summarize' operator: expected an aggregation function ({string.Join(", ", Supported.Select(s => s + "()"))}).");
        if (call.Name == "count")
        {
            if (call.Args.Count != 0) throw new KqlException("'summarize' operator: count() takes no arguments.");
            return new Aggregate(new KqlColumn(named.Name ?? "count_", KqlType.Int64), rows => (long)rows.Count);
        }
        if (call.Args.Count != 1) throw new KqlException($"'summarize' operator: {call.Name}() takes exactly one argument.");
        var arg = engine.Bind(call.Args[0], t, "summarize");
        var suffix = call.Args[0] is ColumnRef c ? c.Name : "";
        IEnumerable<object> Values(List<object[]> rows) => rows.Select(arg.Eval).Where(v => v != null);
        switch (call.Name)
        {
            case "countif":
                if (arg.Type != KqlType.Boolean) throw new KqlException("'summarize' operator: countif() needs a boolean expression.");
                return new Aggregate(new KqlColumn(named.Name ?? "countif_", KqlType.Int64), rows => (long)rows.Count(r => arg.Eval(r) is true));
            case "dcount":
                return new Aggregate(new KqlColumn(named.Name ?? "dcount_" + suffix, KqlType.Int64),
                    rows => (long)Values(rows).Select(KqlValues.Format).Distinct().Count());
            case "make_set":
                return new Aggregate(new KqlColumn(named.Name ?? "set_" + suffix, KqlType.Dynamic), rows =>
                {
                    var set = new JsonArray();
                    foreach (var v in Values(rows).DistinctBy(KqlValues.Format))
                        set.Add(v is JsonNode n ? n.DeepClone() : JsonValue.Create(KqlValues.Format(v)));
                    return set;
                });
            default:
                var max = call.Name == "max";
                return new Aggregate(new KqlColumn(named.Name ?? call.Name + "_" + suffix, arg.Type), rows =>
                {
                    object best = null;
                    foreach (var v in Values(rows))
                        if (best == null || (KqlValues.Compare(v, best, false) ?? 0) * (max ? 1 : -1) > 0) best = v;
                    return best;
                });
        }
    }
}
