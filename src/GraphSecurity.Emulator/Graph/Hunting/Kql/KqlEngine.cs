using System.Text.Json.Nodes;

namespace GraphSecurity.Emulator.Graph.Hunting.Kql;

/// <summary>
/// Runs a parsed query over in-memory tables. Expressions are bound once per operator against the
/// input columns (type checking, column lookup) into delegates over a row.
/// </summary>
public sealed class KqlEngine
{
    private readonly Func<string, KqlTable> _tables;
    private readonly DateTimeOffset _now;

    /// <param name="tables">Returns the table of that name, or null when there is none.</param>
    /// <param name="now">What now() and ago() are relative to.</param>
    public KqlEngine(Func<string, KqlTable> tables, DateTimeOffset now)
    {
        _tables = tables;
        _now = now;
    }

    public KqlTable Run(string query)
    {
        var parsed = KqlParser.Parse(query);
        var table = _tables(parsed.Table)
            ?? throw new KqlException($"Failed to resolve table or column expression named '{parsed.Table}'.");
        foreach (var op in parsed.Operators) table = Apply(table, op);
        return table;
    }

    private KqlTable Apply(KqlTable t, QueryOp op)
    {
        switch (op)
        {
            case WhereOp w:
                var predicate = Bind(w.Predicate, t, op.Name);
                if (predicate.Type != KqlType.Boolean) throw new KqlException($"'where' operator: the predicate must be a boolean expression, not {predicate.Type}.");
                return new KqlTable(t.Columns, t.Rows.Where(r => predicate.Eval(r) is true).ToList());
            case ProjectOp p:
                return Project(t, p.Columns, op.Name, keepInput: false);
            case ExtendOp e:
                return Project(t, e.Columns, op.Name, keepInput: true);
            case SortOp s:
                return Sort(t, s.Keys, op.Name);
            case TakeOp take:
                return new KqlTable(t.Columns, t.Rows.Take((int)Math.Min(take.Count, int.MaxValue)).ToList());
            case TopOp top:
                var sorted = Sort(t, new[] { top.Key }, op.Name);
                return new KqlTable(t.Columns, sorted.Rows.Take((int)Math.Min(top.Count, int.MaxValue)).ToList());
            case SummarizeOp sum:
                return Summarize(t, sum);
            case DistinctOp d:
                var indexes = d.Columns == null ? Enumerable.Range(0, t.Columns.Count).ToArray() : d.Columns.Select(c => Resolve(t, c, op.Name)).ToArray();
                var seen = new HashSet<string>();
                var rows = t.Rows.Select(r => indexes.Select(i => r[i]).ToArray()).Where(r => seen.Add(RowKey(r))).ToList();
                return new KqlTable(indexes.Select(i => t.Columns[i]).ToList(), rows);
            case CountOp:
                return new KqlTable(new[] { new KqlColumn("Count", KqlType.Int64) }, new[] { new object[] { (long)t.Rows.Count } });
            default:
                throw new KqlException($"The operator '{op.Name}' is not supported.");
        }
    }

    private static int Resolve(KqlTable t, string name, string op)
    {
        var i = t.IndexOf(name);
        return i >= 0 ? i : throw new KqlException($"'{op}' operator: Failed to resolve scalar expression named '{name}'");
    }

    /// <summary>project (only the listed columns) and extend (all input columns plus new or replaced ones).</summary>
    private KqlTable Project(KqlTable t, IReadOnlyList<NamedExpr> items, string op, bool keepInput)
    {
        var columns = keepInput ? t.Columns.ToList() : new List<KqlColumn>();
        var sources = keepInput ? Enumerable.Range(0, t.Columns.Count).Select(i => (Func<object[], object>)(r => r[i])).ToList() : new List<Func<object[], object>>();
        foreach (var item in items)
        {
            var name = item.Name ?? (item.Expr as ColumnRef)?.Name
                ?? throw new KqlException($"'{op}' operator: a calculated column needs a name, e.g. Name = expression.");
            var bound = Bind(item.Expr, t, op);
            var existing = columns.FindIndex(c => c.Name == name);
            if (existing >= 0)
            {
                columns[existing] = new KqlColumn(name, bound.Type);
                sources[existing] = bound.Eval;
            }
            else
            {
                columns.Add(new KqlColumn(name, bound.Type));
                sources.Add(bound.Eval);
            }
        }
        var rows = t.Rows.Select(r => sources.Select(s => s(r)).ToArray()).ToList();
        return new KqlTable(columns, rows);
    }

    /// <summary>Stable sort; nulls first when ascending and last when descending, as in Kusto.</summary>
    private KqlTable Sort(KqlTable t, IReadOnlyList<SortKey> keys, string op)
    {
        var bound = keys.Select(k => (Key: Bind(k.Expr, t, op), k.Descending)).ToList();
        IOrderedEnumerable<object[]> ordered = null;
        foreach (var (key, desc) in bound)
        {
            var comparer = Comparer<object>.Create(KqlValues.CompareForSort);
            ordered = ordered == null
                ? (desc ? t.Rows.OrderByDescending(key.Eval, comparer) : t.Rows.OrderBy(key.Eval, comparer))
                : (desc ? ordered.ThenByDescending(key.Eval, comparer) : ordered.ThenBy(key.Eval, comparer));
        }
        return new KqlTable(t.Columns, ordered.ToList());
    }

    private KqlTable Summarize(KqlTable t, SummarizeOp s)
    {
        var keys = s.By.Select(b => (Name: b.Name ?? ImplicitByName(b.Expr), Bound: Bind(b.Expr, t, "summarize"))).ToList();
        var aggregates = s.Aggregates.Select(a => Aggregates.Bind(a, t, this)).ToList();
        var groups = new Dictionary<string, (object[] Key, List<object[]> Rows)>();
        var order = new List<string>();
        foreach (var row in t.Rows)
        {
            var key = keys.Select(k => k.Bound.Eval(row)).ToArray();
            var id = RowKey(key);
            if (!groups.TryGetValue(id, out var g))
            {
                g = (key, new List<object[]>());
                groups[id] = g;
                order.Add(id);
            }
            g.Rows.Add(row);
        }
        // Without 'by', summarize returns one row even for empty input (count() = 0).
        if (keys.Count == 0 && groups.Count == 0)
        {
            groups[""] = (Array.Empty<object>(), new List<object[]>());
            order.Add("");
        }
        var columns = keys.Select(k => new KqlColumn(k.Name, k.Bound.Type)).Concat(aggregates.Select(a => a.Column)).ToList();
        var rows = order.Select(id => groups[id].Key.Concat(aggregates.Select(a => a.Compute(groups[id].Rows))).ToArray()).ToList();
        return new KqlTable(columns, rows);
    }

    private static string ImplicitByName(Expr e) => e switch
    {
        ColumnRef c => c.Name,
        Call { Name: "bin", Args: [ColumnRef c, _] } => c.Name,
        _ => throw new KqlException("'summarize' operator: a calculated 'by' column needs a name, e.g. Day = bin(Timestamp, 1d)."),
    };

    private static string RowKey(object[] values) =>
        string.Join("\u001f", values.Select(v => v == null ? "\u0000" : v is JsonNode n ? n.ToJsonString() : KqlValues.Format(v)));

    /// <summary>A bound expression: its static type and how to compute it from a row.</summary>
    public sealed record Bound(KqlType Type, Func<object[], object> Eval);

    public Bound Bind(Expr e, KqlTable t, string op)
    {
        switch (e)
        {
            case Literal l:
                return new Bound(l.Type, _ => l.Value);
            case ColumnRef c:
                var i = Resolve(t, c.Name, op);
                return new Bound(t.Columns[i].Type, r => r[i]);
            case Negate n:
                var inner = Bind(n.Operand, t, op);
                return inner.Type switch
                {
                    KqlType.Int64 => new Bound(KqlType.Int64, r => inner.Eval(r) is long v ? -v : null),
                    KqlType.Double => new Bound(KqlType.Double, r => inner.Eval(r) is double v ? -v : null),
                    KqlType.TimeSpan => new Bound(KqlType.TimeSpan, r => inner.Eval(r) is TimeSpan v ? -v : null),
                    _ => throw new KqlException($"'{op}' operator: unary '-' cannot be applied to {inner.Type}."),
                };
            case Binary b:
                return KqlOperators.Bind(b.Op, Bind(b.Left, t, op), Bind(b.Right, t, op), op);
            case InList list:
                var value = Bind(list.Value, t, op);
                var items = list.Items.Select(x => Bind(x, t, op)).ToList();
                return new Bound(KqlType.Boolean, r =>
                {
                    var v = value.Eval(r);
                    if (v == null) return null;
                    var found = items.Any(x => KqlValues.Compare(v, x.Eval(r), ignoreCase: false) == 0);
                    return found != list.Negated;
                });
            case Call call:
                return KqlFunctions.Bind(call, call.Args.Select(a => Bind(a, t, op)).ToList(), _now, op);
            default:
                throw new KqlException($"'{op}' operator: unsupported expression.");
        }
    }
}
