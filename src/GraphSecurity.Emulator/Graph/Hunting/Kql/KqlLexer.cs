using System.Globalization;

namespace GraphSecurity.Emulator.Graph.Hunting.Kql;

public enum TokenKind { Identifier, String, Long, Real, Timespan, DateTime, Symbol, End }

/// <summary>One token; <see cref="Position"/> is the offset in the query text (for error messages).</summary>
public sealed record KqlToken(TokenKind Kind, string Text, object Value, int Position)
{
    public bool Is(string symbolOrWord) => Kind is TokenKind.Symbol or TokenKind.Identifier && Text == symbolOrWord;
}

/// <summary>A query the emulator cannot parse or run; the message is returned to the caller as a 400.</summary>
public sealed class KqlException : Exception
{
    public KqlException(string message) : base(message) { }

    /// <summary>Kusto's wording for syntax errors: the offending token and its 1-based line and column.</summary>
    public static KqlException Syntax(string query, KqlToken at, string detail)
    {
        int line = 1, column = 1;
        for (int i = 0; i < at.Position && i < query.Length; i++)
        {
            if (query[i] == '\n') { line++; column = 1; } else column++;
        }
        var text = at.Kind == TokenKind.End ? "<end of query>" : at.Text;
        return new KqlException($"Query could not be parsed at '{text}' on line [{line},{column}]. {detail}");
    }
}

/// <summary>Splits a KQL query into tokens: names, string/number/timespan/datetime literals and symbols.</summary>
public static class KqlLexer
{
    private static readonly string[] Symbols = { "==", "!=", "<=", ">=", "=~", "!~", "|", ",", "(", ")", "=", "<", ">", "+", "-", "*", "/", "[", "]", "." };

    private static readonly (string Suffix, double Ticks)[] TimespanUnits =
    {
        ("ms", TimeSpan.TicksPerMillisecond), ("d", TimeSpan.TicksPerDay), ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute), ("s", TimeSpan.TicksPerSecond),
    };

    public static List<KqlToken> Tokenize(string query)
    {
        var tokens = new List<KqlToken>();
        int i = 0;
        while (true)
        {
            while (i < query.Length && char.IsWhiteSpace(query[i])) i++;
            if (i + 1 < query.Length && query[i] == '/' && query[i + 1] == '/')
            {
                while (i < query.Length && query[i] != '\n') i++; // comment to end of line
                continue;
            }
            if (i >= query.Length) break;
            int start = i;
            char c = query[i];
            if (c is '\'' or '"')
            {
                tokens.Add(ReadString(query, ref i));
            }
            else if (char.IsDigit(c))
            {
                tokens.Add(ReadNumber(query, ref i));
            }
            else if (char.IsLetter(c) || c == '_' || (c == '!' && i + 1 < query.Length && char.IsLetter(query[i + 1])))
            {
                // '!' directly before a word makes the negated string operators: !has, !contains, !in, …
                i++;
                while (i < query.Length && (char.IsLetterOrDigit(query[i]) || query[i] == '_')) i++;
                var word = query[start..i];
                if (word == "datetime" && Peek(query, i) == '(')
                    tokens.Add(ReadDateTime(query, ref i, start));
                else
                    tokens.Add(new KqlToken(TokenKind.Identifier, word, null, start));
            }
            else
            {
                var symbol = Symbols.FirstOrDefault(s => string.CompareOrdinal(query, i, s, 0, s.Length) == 0)
                    ?? throw KqlException.Syntax(query, new KqlToken(TokenKind.Symbol, c.ToString(), null, i), $"Unexpected character '{c}'.");
                i += symbol.Length;
                tokens.Add(new KqlToken(TokenKind.Symbol, symbol, null, start));
            }
        }
        tokens.Add(new KqlToken(TokenKind.End, "", null, query.Length));
        return tokens;
    }

    private static char Peek(string q, int i)
    {
        while (i < q.Length && char.IsWhiteSpace(q[i])) i++;
        return i < q.Length ? q[i] : '\0';
    }

    private static KqlToken ReadString(string q, ref int i)
    {
        int start = i;
        char quote = q[i++];
        var sb = new System.Text.StringBuilder();
        while (true)
        {
            if (i >= q.Length || q[i] == '\n')
                throw KqlException.Syntax(q, new KqlToken(TokenKind.String, q[start..i], null, start), "The string literal is not terminated.");
            char c = q[i++];
            if (c == quote) break;
            if (c == '\\' && i < q.Length)
            {
                char e = q[i++];
                sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => e });
            }
            else sb.Append(c);
        }
        return new KqlToken(TokenKind.String, q[start..i], sb.ToString(), start);
    }

    /// <summary>An integer, a real, or a timespan such as 7d, 1.5h, 30m, 10s, 100ms.</summary>
    private static KqlToken ReadNumber(string q, ref int i)
    {
        int start = i;
        while (i < q.Length && char.IsDigit(q[i])) i++;
        bool real = false;
        if (i + 1 < q.Length && q[i] == '.' && char.IsDigit(q[i + 1]))
        {
            real = true;
            i++;
            while (i < q.Length && char.IsDigit(q[i])) i++;
        }
        var number = q[start..i];
        int suffixStart = i;
        while (i < q.Length && char.IsLetter(q[i])) i++;
        var suffix = q[suffixStart..i];
        var value = double.Parse(number, CultureInfo.InvariantCulture);
        if (suffix.Length > 0)
        {
            var unit = TimespanUnits.FirstOrDefault(u => u.Suffix == suffix);
            if (unit.Suffix == null)
                throw KqlException.Syntax(q, new KqlToken(TokenKind.Timespan, q[start..i], null, start), $"Unknown timespan unit '{suffix}'; use d, h, m, s or ms.");
            return new KqlToken(TokenKind.Timespan, q[start..i], TimeSpan.FromTicks((long)(value * unit.Ticks)), start);
        }
        if (real) return new KqlToken(TokenKind.Real, number, value, start);
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var l))
            throw KqlException.Syntax(q, new KqlToken(TokenKind.Long, number, null, start), "The number is too large.");
        return new KqlToken(TokenKind.Long, number, l, start);
    }

    /// <summary>datetime(2026-11-01) or datetime(2026-11-01T08:00:00Z): the text between the parentheses is the value.</summary>
    private static KqlToken ReadDateTime(string q, ref int i, int start)
    {
        int open = q.IndexOf('(', i);
        int close = q.IndexOf(')', open);
        if (close < 0) throw KqlException.Syntax(q, new KqlToken(TokenKind.DateTime, q[start..], null, start), "Expected ')' after the datetime value.");
        var text = q[(open + 1)..close].Trim().Trim('"', '\'');
        i = close + 1;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d))
            throw KqlException.Syntax(q, new KqlToken(TokenKind.DateTime, q[start..i], null, start), $"'{text}' is not a valid datetime.");
        return new KqlToken(TokenKind.DateTime, q[start..i], d.ToUniversalTime(), start);
    }
}
