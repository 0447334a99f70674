namespace GraphSecurity.Emulator.Graph.Hunting.Kql;

/// <summary>
/// Recursive-descent parser for the KQL subset:
/// <code>
/// query     := Table ('|' operator)*
/// operator  := where expr | project named, … | extend named, … | (sort|order) by key, … | (take|limit) N
///            | top N by key | summarize agg, … [by named, …] | distinct (* | col, …) | count
/// key       := expr [asc|desc]                      named := [Name '='] expr
/// expr      := and ('or' and)*                      and   := compare ('and' compare)*
/// compare   := sum [(== != &lt; &lt;= &gt; &gt;= =~ !~ has !has contains !contains startswith !startswith
///                    endswith !endswith) sum | [!]in '(' expr, … ')']
/// sum       := product (('+'|'-') product)*       product := unary (('*'|'/') unary)*
/// unary     := '-' unary | primary                 primary := literal | name '(' args ')' | name | '(' expr ')'
/// </code>
/// </summary>
public sealed class KqlParser
{
    public static readonly string[] SupportedOperators = { "where", "project", "extend", "sort", "order", "take", "limit", "top", "summarize", "distinct", "count" };

    private static readonly string[] ComparisonOps = { "==", "!=", "<", "<=", ">", ">=", "=~", "!~" };
    private static readonly string[] StringOps = { "has", "!has", "contains", "!contains", "startswith", "!startswith", "endswith", "!endswith" };

    private readonly string _query;
    private readonly List<KqlToken> _tokens;
    private int _next;

    private KqlParser(string query)
    {
        _query = query;
        _tokens = KqlLexer.Tokenize(query);
    }

    public static KqlQuery Parse(string query)
    {
        var parser = new KqlParser(query);
        return parser.ParseQuery();
    }

    private KqlToken Current => _tokens[_next];
    private KqlToken Advance() => _tokens[_next++];

    private KqlException Error(string detail) => KqlException.Syntax(_query, Current, detail);

    private bool Accept(string text)
    {
        if (!Current.Is(text)) return false;
        _next++;
        return true;
    }

    private void Expect(string text, string detail)
    {
        if (!Accept(text)) throw Error(detail);
    }

    private string ExpectName(string detail)
    {
        if (Current.Kind != TokenKind.Identifier) throw Error(detail);
        return Advance().Text;
    }

    private KqlQuery ParseQuery()
    {
        if (Current.Kind == TokenKind.End) throw Error("The query is empty; it must start with a table name.");
        var tablePosition = Current.Position;
        var table = ExpectName("The query must start with a table name, e.g. AlertInfo.");
        var ops = new List<QueryOp>();
        while (Accept("|")) ops.Add(ParseOperator());
        if (Current.Kind != TokenKind.End) throw Error("Expected '|' before the next operator.");
        return new KqlQuery(table, tablePosition, ops);
    }

    private QueryOp ParseOperator()
    {
        var at = Current;
        var name = ExpectName("Expected an operator name after '|'.");
        switch (name)
        {
            case "where":
                return new WhereOp(ParseExpr(), at.Position);
            case "project":
                return new ProjectOp(ParseList(ParseNamed), at.Position);
            case "extend":
                return new ExtendOp(ParseList(ParseNamed), at.Position);
            case "sort":
            case "order":
                Expect("by", $"Expected 'by' after '{name}'.");
                return new SortOp(ParseList(ParseSortKey), at.Position);
            case "take":
            case "limit":
                return new TakeOp(ParseCount(name), at.Position);
            case "top":
                var count = ParseCount(name);
                Expect("by", "Expected 'by' after 'top N'.");
                return new TopOp(count, ParseSortKey(), at.Position);
            case "summarize":
                var aggregates = Current.Is("by") ? new List<NamedExpr>() : ParseList(ParseNamed);
                var by = Accept("by") ? ParseList(ParseNamed) : new List<NamedExpr>();
                if (aggregates.Count == 0 && by.Count == 0) throw Error("'summarize' needs an aggregation such as count() or a 'by' clause.");
                return new SummarizeOp(aggregates, by, at.Position);
            case "distinct":
                if (Accept("*")) return new DistinctOp(null, at.Position);
                return new DistinctOp(ParseList(() => ExpectName("Expected a column name or '*' after 'distinct'.")), at.Position);
            case "count":
                return new CountOp(at.Position);
            default:
                _next--;
                throw Error($"The operator '{name}' is not supported by the emulator. Supported operators: {string.Join(", ", SupportedOperators)}.");
        }
    }

    private long ParseCount(string op)
    {
        if (Current.Kind != TokenKind.Long) throw Error($"Expected a row count after '{op}'.");
        return (long)Advance().Value;
    }

    private List<T> ParseList<T>(Func<T> item)
    {
        var list = new List<T> { item() };
        while (Accept(",")) list.Add(item());
        return list;
    }

    private NamedExpr ParseNamed()
    {
        // "Name = expr": a name followed by a single '=' (not '==').
        if (Current.Kind == TokenKind.Identifier && _tokens[_next + 1].Is("="))
        {
            var name = Advance().Text;
            _next++;
            return new NamedExpr(name, ParseExpr());
        }
        return new NamedExpr(null, ParseExpr());
    }

    private SortKey ParseSortKey()
    {
        var expr = ParseExpr();
        if (Accept("asc")) return new SortKey(expr, false);
        Accept("desc");
        return new SortKey(expr, true); // KQL sorts descending unless told otherwise
    }

    private Expr ParseExpr()
    {
        var left = ParseAnd();
        while (Current.Is("or"))
        {
            var at = Advance();
            left = new Binary("or", left, ParseAnd(), at.Position);
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseCompare();
        while (Current.Is("and"))
        {
            var at = Advance();
            left = new Binary("and", left, ParseCompare(), at.Position);
        }
        return left;
    }

    private Expr ParseCompare()
    {
        var left = ParseSum();
        var at = Current;
        if ((at.Kind == TokenKind.Symbol && ComparisonOps.Contains(at.Text)) || (at.Kind == TokenKind.Identifier && StringOps.Contains(at.Text)))
        {
            _next++;
            return new Binary(at.Text, left, ParseSum(), at.Position);
        }
        if (at.Is("in") || at.Is("!in"))
        {
            _next++;
            Expect("(", $"Expected '(' after '{at.Text}'.");
            var items = ParseList(ParseExpr);
            Expect(")", "Expected ')' or ',' in the 'in' list.");
            return new InList(left, items, at.Text == "!in", at.Position);
        }
        return left;
    }

    private Expr ParseSum()
    {
        var left = ParseProduct();
        while (Current.Is("+") || Current.Is("-"))
        {
            var at = Advance();
            left = new Binary(at.Text, left, ParseProduct(), at.Position);
        }
        return left;
    }

    private Expr ParseProduct()
    {
        var left = ParseUnary();
        while (Current.Is("*") || Current.Is("/"))
        {
            var at = Advance();
            left = new Binary(at.Text, left, ParseUnary(), at.Position);
        }
        return left;
    }

    private Expr ParseUnary()
    {
        if (Current.Is("-"))
        {
            var at = Advance();
            return new Negate(ParseUnary(), at.Position);
        }
        return ParsePrimary();
    }

    private Expr ParsePrimary()
    {
        var t = Current;
        switch (t.Kind)
        {
            case TokenKind.String: _next++; return new Literal(t.Value, KqlType.String, t.Position);
            case TokenKind.Long: _next++; return new Literal(t.Value, KqlType.Int64, t.Position);
            case TokenKind.Real: _next++; return new Literal(t.Value, KqlType.Double, t.Position);
            case TokenKind.Timespan: _next++; return new Literal(t.Value, KqlType.TimeSpan, t.Position);
            case TokenKind.DateTime: _next++; return new Literal(t.Value, KqlType.DateTime, t.Position);
            case TokenKind.Identifier:
                _next++;
                if (t.Text is "true" or "false") return new Literal(t.Text == "true", KqlType.Boolean, t.Position);
                if (!Accept("(")) return new ColumnRef(t.Text, t.Position);
                var args = Current.Is(")") ? new List<Expr>() : ParseList(ParseExpr);
                Expect(")", $"Expected ')' to close the call of '{t.Text}'.");
                return new Call(t.Text, args, t.Position);
            default:
                if (Accept("("))
                {
                    var inner = ParseExpr();
                    Expect(")", "Expected ')'.");
                    return inner;
                }
                throw Error(t.Kind == TokenKind.End ? "The expression is incomplete." : "Expected a column name, a literal or '('.");
        }
    }
}
