using System.Globalization;
using static GraphSecurity.Emulator.Graph.Hunting.Kql.KqlEngine;

namespace GraphSecurity.Emulator.Graph.Hunting.Kql;

/// <summary>Type checking and evaluation of binary operators. Any null operand gives null (a where drops the row).</summary>
public static class KqlOperators
{
    public static Bound Bind(string op, Bound left, Bound right, string queryOp)
    {
        KqlException Mismatch() => new($"'{queryOp}' operator: Cannot apply '{op}' to values of types {KqlValues.KustoName(left.Type)} and {KqlValues.KustoName(right.Type)}. Try adding explicit casts.");
        switch (op)
        {
            case "and":
            case "or":
                if (left.Type != KqlType.Boolean || right.Type != KqlType.Boolean) throw Mismatch();
                return op == "and"
                    ? new Bound(KqlType.Boolean, r => left.Eval(r) is true && right.Eval(r) is true)
                    : new Bound(KqlType.Boolean, r => left.Eval(r) is true || right.Eval(r) is true);
            case "==":
            case "!=":
            case "<":
            case "<=":
            case ">":
            case ">=":
                if (left.Type != right.Type && !(KqlValues.IsNumeric(left.Type) && KqlValues.IsNumeric(right.Type))) throw Mismatch();
                return Comparison(op, left, right, ignoreCase: false);
            case "=~":
            case "!~":
                if (left.Type != KqlType.String || right.Type != KqlType.String) throw Mismatch();
                return Comparison(op == "=~" ? "==" : "!=", left, right, ignoreCase: true);
            case "+":
            case "-":
            case "*":
            case "/":
                return Arithmetic(op, left, right) ?? throw Mismatch();
            default:
                // has, contains, startswith, endswith and their negations: case-insensitive text tests.
                if (right.Type != KqlType.String || left.Type is not (KqlType.String or KqlType.Dynamic)) throw Mismatch();
                var negated = op.StartsWith('!');
                Func<string, string, bool> test = op.TrimStart('!') switch
                {
                    "has" => Has,
                    "contains" => (s, x) => s.Contains(x, StringComparison.OrdinalIgnoreCase),
                    "startswith" => (s, x) => s.StartsWith(x, StringComparison.OrdinalIgnoreCase),
                    _ => (s, x) => s.EndsWith(x, StringComparison.OrdinalIgnoreCase),
                };
                return new Bound(KqlType.Boolean, r =>
                {
                    var s = KqlValues.Format(left.Eval(r));
                    var x = (string)right.Eval(r);
                    if (x == null) return null;
                    return test(s ?? "", x) != negated;
                });
        }
    }

    private static Bound Comparison(string op, Bound left, Bound right, bool ignoreCase) =>
        new(KqlType.Boolean, r =>
        {
            var a = left.Eval(r);
            var b = right.Eval(r);
            if (a == null || b == null) return null;
            var c = KqlValues.Compare(a, b, ignoreCase) ?? 1;
            return op switch
            {
                "==" => c == 0,
                "!=" => c != 0,
                "<" => c < 0,
                "<=" => c <= 0,
                ">" => c > 0,
                _ => c >= 0,
            };
        });

    /// <summary>
    /// "has" matches whole terms: the text must contain the term with no letter or digit directly
    /// before or after it (Kusto's term index, simplified).
    /// </summary>
    public static bool Has(string text, string term)
    {
        if (term.Length == 0) return true;
        int from = 0;
        while (true)
        {
            var i = text.IndexOf(term, from, StringComparison.OrdinalIgnoreCase);
            if (i < 0) return false;
            var end = i + term.Length;
            bool startOk = i == 0 || !char.IsLetterOrDigit(text[i - 1]);
            bool endOk = end == text.Length || !char.IsLetterOrDigit(text[end]);
            if (startOk && endOk) return true;
            from = i + 1;
        }
    }

    /// <summary>Numbers, datetime ± timespan, datetime − datetime and timespan ± timespan; null when the types do not combine.</summary>
    private static Bound Arithmetic(string op, Bound l, Bound r)
    {
        (KqlType, Func<object, object, object>) rule = (l.Type, r.Type, op) switch
        {
            (KqlType.Int64, KqlType.Int64, _) => (KqlType.Int64, (a, b) => op switch
            {
                "+" => (long)a + (long)b,
                "-" => (long)a - (long)b,
                "*" => (long)a * (long)b,
                _ => (long)b == 0 ? null : (long)a / (long)b,
            }),
            (var x, var y, _) when KqlValues.IsNumeric(x) && KqlValues.IsNumeric(y) => (KqlType.Double, (a, b) =>
            {
                double da = Convert.ToDouble(a, CultureInfo.InvariantCulture), db = Convert.ToDouble(b, CultureInfo.InvariantCulture);
                return op switch { "+" => da + db, "-" => da - db, "*" => da * db, _ => da / db };
            }
            ),
            (KqlType.DateTime, KqlType.TimeSpan, "+") => (KqlType.DateTime, (a, b) => (DateTimeOffset)a + (TimeSpan)b),
            (KqlType.DateTime, KqlType.TimeSpan, "-") => (KqlType.DateTime, (a, b) => (DateTimeOffset)a - (TimeSpan)b),
            (KqlType.TimeSpan, KqlType.DateTime, "+") => (KqlType.DateTime, (a, b) => (DateTimeOffset)b + (TimeSpan)a),
            (KqlType.DateTime, KqlType.DateTime, "-") => (KqlType.TimeSpan, (a, b) => (DateTimeOffset)a - (DateTimeOffset)b),
            (KqlType.TimeSpan, KqlType.TimeSpan, "+") => (KqlType.TimeSpan, (a, b) => (TimeSpan)a + (TimeSpan)b),
            (KqlType.TimeSpan, KqlType.TimeSpan, "-") => (KqlType.TimeSpan, (a, b) => (TimeSpan)a - (TimeSpan)b),
            _ => (KqlType.String, null),
        };
        var (type, f) = rule;
        if (f == null) return null;
        return new Bound(type, row =>
        {
            var a = l.Eval(row);
            var b = r.Eval(row);
            return a == null || b == null ? null : f(a, b);
        });
    }
}
