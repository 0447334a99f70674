using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GraphSecurity.ProviderKit.Models;

namespace GraphSecurity.ProviderKit.Query;

/// <summary>
/// Parses the contract's <c>$filter</c> subset: comparisons (eq ne gt ge lt le) of a filterable property with a
/// literal, joined by and/or, negated by not, grouped by parentheses. Everything else is refused with a
/// <see cref="ProviderException"/> (400) that names the offending part.
/// </summary>
public static partial class FilterParser
{
    public const int MaxLength = 4096;
    private const int MaxDepth = 32;

    private enum TokenKind
    {
        Word,
        Text,
        OpenParen,
        CloseParen,
        Comma,
        End,
    }

    private sealed record Token(TokenKind Kind, string Value, int Position);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?$")]
    private static partial Regex IsoDate();

    public static FilterNode Parse(string filter)
    {
        if (string.IsNullOrWhiteSpace(filter)) throw ProviderException.BadRequest("$filter is empty.");
        if (filter.Length > MaxLength) throw ProviderException.BadRequest($"$filter is longer than {MaxLength} characters.");
        var state = new State(Tokenize(filter));
        var node = state.Or(0);
        var rest = state.Peek;
        if (rest.Kind != TokenKind.End)
            throw ProviderException.BadRequest($"$filter: unexpected '{rest.Value}' at position {rest.Position + 1}.");
        return node;
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '(') { tokens.Add(new Token(TokenKind.OpenParen, "(", i++)); continue; }
            if (c == ')') { tokens.Add(new Token(TokenKind.CloseParen, ")", i++)); continue; }
            if (c == ',') { tokens.Add(new Token(TokenKind.Comma, ",", i++)); continue; }
            if (c == '\'')
            {
                var start = i++;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= text.Length) throw ProviderException.BadRequest($"$filter: the string starting at position {start + 1} is not closed.");
                    if (text[i] == '\'')
                    {
                        // OData escapes a quote inside a string by doubling it.
                        if (i + 1 < text.Length && text[i + 1] == '\'') { value.Append('\''); i += 2; continue; }
                        i++;
                        break;
                    }
                    value.Append(text[i++]);
                }
                tokens.Add(new Token(TokenKind.Text, value.ToString(), start));
                continue;
            }
            if (char.IsLetterOrDigit(c) || c is '_' or '/' or '-' or '+' or ':' or '.' or '$' or '@')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '/' or '-' or '+' or ':' or '.' or '$' or '@')) i++;
                tokens.Add(new Token(TokenKind.Word, text[start..i], start));
                continue;
            }
            throw ProviderException.BadRequest($"$filter: the character '{c}' at position {i + 1} is not supported.");
        }
        tokens.Add(new Token(TokenKind.End, "end of $filter", text.Length));
        return tokens;
    }

    private sealed class State(List<Token> tokens)
    {
        private int _next;

        public Token Peek => tokens[_next];

        private Token Take() => tokens[_next++];

        private bool TakeKeyword(string keyword)
        {
            if (Peek.Kind == TokenKind.Word && Peek.Value == keyword) { _next++; return true; }
            return false;
        }

        public FilterNode Or(int depth)
        {
            var left = And(depth);
            while (TakeKeyword("or")) left = new OrNode(left, And(depth));
            return left;
        }

        private FilterNode And(int depth)
        {
            var left = Unary(depth);
            while (TakeKeyword("and")) left = new AndNode(left, Unary(depth));
            return left;
        }

        private FilterNode Unary(int depth)
        {
            if (depth > MaxDepth) throw ProviderException.BadRequest($"$filter nests deeper than {MaxDepth} levels.");
            if (TakeKeyword("not")) return new NotNode(Unary(depth + 1));
            if (Peek.Kind == TokenKind.OpenParen)
            {
                Take();
                var inner = Or(depth + 1);
                var close = Take();
                if (close.Kind != TokenKind.CloseParen)
                    throw ProviderException.BadRequest($"$filter: expected ')' at position {close.Position + 1}, found '{close.Value}'.");
                return inner;
            }
            return Comparison();
        }

        private FilterNode Comparison()
        {
            var name = Take();
            if (name.Kind != TokenKind.Word)
                throw ProviderException.BadRequest($"$filter: expected a property at position {name.Position + 1}, found '{name.Value}'.");
            if (Peek.Kind == TokenKind.OpenParen)
                throw ProviderException.BadRequest($"$filter: the function '{name.Value}' is not supported; use eq, ne, gt, ge, lt, le, and, or, not.");
            var property = FilterProperties.Find(name.Value)
                ?? throw ProviderException.BadRequest($"$filter: the property '{name.Value}' is not filterable; use one of {string.Join(", ", FilterProperties.Filterable.Select(p => p.Name))}.");
            var op = Take();
            var parsedOperator = op.Kind == TokenKind.Word ? ParseOperator(op.Value) : null;
            if (parsedOperator == null)
                throw ProviderException.BadRequest($"$filter: expected an operator (eq, ne, gt, ge, lt, le) after '{property.Name}', found '{op.Value}'.");
            var literal = Take();
            return new ComparisonNode(property.Name, parsedOperator.Value, Literal(property, parsedOperator.Value, literal));
        }

        private static FilterOperator? ParseOperator(string word) => word switch
        {
            "eq" => FilterOperator.Eq,
            "ne" => FilterOperator.Ne,
            "gt" => FilterOperator.Gt,
            "ge" => FilterOperator.Ge,
            "lt" => FilterOperator.Lt,
            "le" => FilterOperator.Le,
            _ => null,
        };

        private static object Literal(FilterProperty property, FilterOperator op, Token literal)
        {
            if (literal.Kind == TokenKind.Word && literal.Value == "null")
            {
                if (op is FilterOperator.Eq or FilterOperator.Ne) return null;
                throw ProviderException.BadRequest($"$filter: '{property.Name}' can be compared with null only by eq or ne.");
            }
            switch (property.Kind)
            {
                case FilterPropertyKind.Date:
                    if (literal.Kind == TokenKind.Word && IsoDate().IsMatch(literal.Value) &&
                        DateTimeOffset.TryParse(literal.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                        return date;
                    throw ProviderException.BadRequest($"$filter: '{property.Name}' takes an unquoted ISO-8601 date such as 2026-01-31T08:00:00Z, not '{literal.Value}'.");
                case FilterPropertyKind.Enumeration:
                    if (literal.Kind != TokenKind.Text)
                        throw ProviderException.BadRequest($"$filter: '{property.Name}' takes a quoted value, not '{literal.Value}'.");
                    return AlertValues.Canonical(property.Members, literal.Value)
                        ?? throw ProviderException.BadRequest($"$filter: '{literal.Value}' is not a {property.Name}; use one of {string.Join(", ", property.Members)}.");
                default:
                    if (literal.Kind != TokenKind.Text)
                        throw ProviderException.BadRequest($"$filter: '{property.Name}' takes a single-quoted string, not '{literal.Value}'.");
                    return literal.Value;
            }
        }
    }
}
