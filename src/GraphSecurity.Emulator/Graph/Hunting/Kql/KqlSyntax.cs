namespace GraphSecurity.Emulator.Graph.Hunting.Kql;

// The syntax tree of the supported KQL subset. Positions are offsets into the query text.

public abstract record Expr(int Position);
public sealed record Literal(object Value, KqlType Type, int Position) : Expr(Position);
public sealed record ColumnRef(string Name, int Position) : Expr(Position);
/// <summary>Comparison, logical, string (has, contains, …) and arithmetic operators.</summary>
public sealed record Binary(string Op, Expr Left, Expr Right, int Position) : Expr(Position);
public sealed record Negate(Expr Operand, int Position) : Expr(Position);
public sealed record Call(string Name, IReadOnlyList<Expr> Args, int Position) : Expr(Position);
public sealed record InList(Expr Value, IReadOnlyList<Expr> Items, bool Negated, int Position) : Expr(Position);

/// <summary>An expression with an optional output name (<c>Name = expr</c>).</summary>
public sealed record NamedExpr(string Name, Expr Expr);
public sealed record SortKey(Expr Expr, bool Descending);

public abstract record QueryOp(string Name, int Position);
public sealed record WhereOp(Expr Predicate, int Position) : QueryOp("where", Position);
public sealed record ProjectOp(IReadOnlyList<NamedExpr> Columns, int Position) : QueryOp("project", Position);
public sealed record ExtendOp(IReadOnlyList<NamedExpr> Columns, int Position) : QueryOp("extend", Position);
public sealed record SortOp(IReadOnlyList<SortKey> Keys, int Position) : QueryOp("sort", Position);
public sealed record TakeOp(long Count, int Position) : QueryOp("take", Position);
public sealed record TopOp(long Count, SortKey Key, int Position) : QueryOp("top", Position);
public sealed record SummarizeOp(IReadOnlyList<NamedExpr> Aggregates, IReadOnlyList<NamedExpr> By, int Position) : QueryOp("summarize", Position);
/// <summary><c>distinct a, b</c>; Columns null means <c>distinct *</c>.</summary>
public sealed record DistinctOp(IReadOnlyList<string> Columns, int Position) : QueryOp("distinct", Position);
public sealed record CountOp(int Position) : QueryOp("count", Position);

public sealed record KqlQuery(string Table, int TablePosition, IReadOnlyList<QueryOp> Operators);
